package io.keywarden.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code keywarden help [COMMAND…]}: the same text as {@code keywarden COMMAND… --help}, for
 * commands at any depth ({@code keywarden help keys create}); picocli's own help command only
 * looks one level down.
 */
@Command(name = "help", helpCommand = true,
    description = "Show the help of a command, as COMMAND --help does, e.g. keywarden help keys create.")
final class HelpCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, e.g. keys create.")
  List<String> path = List.of();

  @Override
  public Integer call() {
    CommandLine target = spec.root().commandLine();
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Unknown command: '" + name + "'; "
            + target.getCommandName() + " has " + String.join(", ", target.getSubcommands().keySet()));
      }
      target = next;
    }
    target.usage(spec.commandLine().getOut(), spec.commandLine().getColorScheme());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
