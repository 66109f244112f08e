using Channel.MTProto.Emulator;

return await EmulatorProgram.RunAsync(args);
