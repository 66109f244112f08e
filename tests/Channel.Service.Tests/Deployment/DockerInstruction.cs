namespace Channel.Service.Tests.Deployment;

/// <summary>One instruction: its keyword (upper case) and the rest of the line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);
