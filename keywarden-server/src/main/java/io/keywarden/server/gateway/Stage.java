package io.keywarden.server.gateway;

/**
 * One named step of the gateway's chain ({@link Gateway}): it reads and fills the request's
 * {@link Exchange} and says how the chain goes on.
 */
@FunctionalInterface
interface Stage {
  /** How the chain goes on after a stage. */
  enum Outcome {
    /** The next stage runs now. */
    CONTINUE,
    /** The stage answered the client (a refusal, a preflight): the chain ends here. */
    ANSWERED,
    /**
     * The stage continues elsewhere (a worker thread, a remote rate-limit backend) and resumes the
     * chain at the next stage, or answers, when that work completes.
     */
    ASYNC
  }

  Outcome run(Exchange x);
}
