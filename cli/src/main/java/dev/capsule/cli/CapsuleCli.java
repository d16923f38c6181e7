package dev.capsule.cli;

import dev.capsule.format.CapsuleFormatException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code capsule} command. */
@Command(
    name = "capsule",
    mixinStandardHelpOptions = true,
    version = "capsule 0.1.0 (format 1, decoder ABI 1)",
    description = "Capsule: a columnar file format whose column chunks carry their own WebAssembly decoders.",
    subcommands = {DemoCommand.class, InspectCommand.class, CatCommand.class, CommandLine.HelpCommand.class})
public final class CapsuleCli {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new CapsuleCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // Expected failures (bad files, missing files) get one clear line, not a stack trace.
      if (e instanceof CapsuleFormatException || e instanceof NoSuchFileException) {
        commandLine.getErr().println("capsule: " + describe(e));
        return 2;
      }
      if (e instanceof IOException || e instanceof IllegalArgumentException) {
        commandLine.getErr().println("capsule: " + describe(e));
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + ((NoSuchFileException) e).getFile();
    }
    return e.getMessage();
  }
}
