using System.Reflection;
using System.Runtime.InteropServices;

namespace AccountMetadata.Silo.Kafka;

/// <summary>
/// Binds Confluent.Kafka's P/Invokes to the librdkafka build this project ships with (2.15.1, built by
/// <c>scripts/stack install</c>). A DllImport resolver is the only binding that wins over a system librdkafka:
/// Debian's 2.0.2 can produce but lacks symbols the 2.15 consumer needs.
/// </summary>
public static class LibrdkafkaLoader
{
    private static readonly Lock Gate = new();
    private static string? s_path;

    /// <summary>Where the library is looked for when configuration does not say: the stack's build cache.</summary>
    public static string DefaultPath => Path.Combine(
        Environment.GetEnvironmentVariable("ACCOUNT_METADATA_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "account-metadata"),
        "librdkafka", "2.15.1", "librdkafka.so.1");

    /// <summary>The file in use once <see cref="Use"/> has run.</summary>
    public static string? LoadedPath => s_path;

    /// <summary>Idempotent for one path; a second, different path is a configuration error.</summary>
    public static void Use(string? path)
    {
        path = string.IsNullOrWhiteSpace(path)
            ? Environment.GetEnvironmentVariable("LIBRDKAFKA_PATH") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultPath
            : path;
        path = Path.GetFullPath(path);
        lock (Gate)
        {
            if (s_path is not null)
            {
                if (s_path != path)
                {
                    throw new InvalidOperationException($"librdkafka is already bound to {s_path}; cannot rebind to {path}.");
                }

                return;
            }

            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"librdkafka not found at {path}. Run 'scripts/stack install' or set Kafka:LibrdkafkaPath.", path);
            }

            s_path = path;
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
            Confluent.Kafka.Library.Load(path);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName.StartsWith("librdkafka", StringComparison.Ordinal))
        {
            return NativeLibrary.Load(s_path!);
        }

        // Confluent.Kafka P/Invokes "libdl", which bookworm ships only as libdl.so.2.
        return libraryName == "libdl" ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero;
    }
}
