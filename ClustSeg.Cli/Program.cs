return ClustSeg.Cli.CliApp.Run(args);
