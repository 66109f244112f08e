namespace Channel.Service.Outbound;

/// <summary>A reply's file: an upload (gRPC UploadMedia) and the kind it is sent as (see Media.MediaKinds.Outgoing).</summary>
internal readonly record struct OutboundMedia(string UploadId, string Kind);
