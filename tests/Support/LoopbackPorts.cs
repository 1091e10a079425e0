using System.Net;
using System.Net.Sockets;

namespace AccountMetadata.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for the silos tests start (HTTP and Orleans silo-to-silo ports).</summary>
public static class LoopbackPorts
{
    /// <summary>A port the system had free a moment ago (it hands out ephemeral ports in turn, so reuse is rare).</summary>
    public static int Free() => Free(1)[0];

    /// <summary>
    /// <paramref name="count"/> distinct free ports: every listener stays open until all are chosen, so one process's
    /// HTTP and silo ports can never be drawn the same.
    /// </summary>
    public static int[] Free(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
