using Channel.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error, ConsolePassword.Read, CancellationToken.None);
