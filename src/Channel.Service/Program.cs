using Channel.Service.Hosting;

return await ChannelHost.RunAsync(args);
