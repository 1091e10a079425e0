using System.Net;
using System.Net.Sockets;

namespace AccountMetadata.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for the silos tests start (HTTP and Orleans silo-to-silo ports).</summary>
public static class LoopbackPorts
{
    /// <summary>A port the system had free a moment ago (it hands out ephemeral ports in turn, so reuse is rare).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
