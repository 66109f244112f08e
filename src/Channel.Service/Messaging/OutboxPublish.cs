namespace Channel.Service.Messaging;

/// <summary>One outbox row ready to publish: its row id (to mark it sent) and what the transport made of it.</summary>
/// <param name="Payload">The transport's form: the contract object, or the encoded envelope.</param>
internal sealed record OutboxPublish(long RowId, Guid MessageId, string MessageType, object Payload);
