using Confluent.Kafka;

namespace AccountMetadata.Silo.Kafka;

/// <summary>
/// The native librdkafka Confluent.Kafka loaded. Confluent.Kafka 2.16 is built against librdkafka 2.16; another one
/// (a system <c>librdkafka.so</c> picked up before the bundled one, such as Debian's 2.0.2) fails in odd ways later,
/// so every Kafka client of the silo checks it before it is built, and the check fails with the reason.
/// </summary>
public static class KafkaLibrary
{
    public const string Expected = "2.16";

    private static readonly Lazy<string> Checked = new(() =>
    {
        var version = Library.VersionString;
        if (!version.StartsWith(Expected + ".", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"librdkafka {version} was loaded, but Confluent.Kafka needs {Expected}.x (the librdkafka.redist package). Remove the system librdkafka (e.g. librdkafka-dev) from the library path.");
        }

        return version;
    });

    /// <summary>The loaded librdkafka's version, once it is known to be the expected one.</summary>
    public static string Version => Checked.Value;
}
