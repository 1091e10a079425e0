namespace AccountMetadata.Silo.Hosting;

/// <summary>The host program's own log events.</summary>
public static partial class SiloLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown exceeded Hosting:ShutdownTimeout; features not yet durable were not committed and will be replayed from Kafka")]
    public static partial void ShutdownTimedOut(ILogger logger);
}
