using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ZkMl.Inference;

namespace ZkMl.Service.Cluster;

/// <summary>
/// What one silo proves with: its proving keys by VK digest, the gate that lets one batch prove at a time,
/// and a sink for one-line activity messages ("proving batch 3 …") that <c>zkml silo</c> prints.
/// </summary>
public sealed class SiloProvers
{
    private readonly ConcurrentDictionary<string, ProvingKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates the registry with <paramref name="keys"/>.</summary>
    public SiloProvers(IEnumerable<ProvingKey> keys, Action<string>? report = null)
    {
        foreach (var k in keys) _keys[k.VerifyingKey.DigestHex] = k;
        ReportSink = report;
    }

    /// <summary>One proof at a time on this silo.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Receives the activity lines.</summary>
    public Action<string>? ReportSink { get; }

    /// <summary>The VK digests this silo proves for.</summary>
    public IReadOnlyCollection<string> VkDigests => _keys.Keys.ToArray();

    /// <summary>The key for a VK digest.</summary>
    public bool TryGetKey(string vkDigest, [NotNullWhen(true)] out ProvingKey? key) => _keys.TryGetValue(vkDigest, out key);

    internal void Report(string line) => ReportSink?.Invoke(line);
}
