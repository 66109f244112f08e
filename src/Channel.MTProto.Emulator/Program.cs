// The runnable emulator arrives with the MTProto connection work; until then it only says so.
await Console.Error.WriteLineAsync("The emulator's network listener is not built yet.");
return 2;
