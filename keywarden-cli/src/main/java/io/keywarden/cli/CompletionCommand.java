package io.keywarden.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keywarden completion bash|zsh}: prints the shell completion script (picocli's). */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script for keywarden.",
        "bash: source <(keywarden completion bash)   (or save it under /etc/bash_completion.d/)",
        "zsh:  source <(keywarden completion zsh)    (in ~/.zshrc; it loads bashcompinit)"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells the script works in. */
  enum Shell { bash, zsh }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    // picocli writes one script for both: under zsh it turns on compinit and bashcompinit itself.
    String script = AutoComplete.bash("keywarden", spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
