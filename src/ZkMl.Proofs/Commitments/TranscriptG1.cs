using ZkMl.Algebra;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Commitments;

/// <summary>Absorbs G1 points in their EVM encoding (x‖y, 32-byte big-endian each; infinity = zeros).</summary>
internal static class TranscriptG1
{
    public static void AppendG1(this Transcript t, string label, in G1Affine p)
    {
        Span<byte> buf = stackalloc byte[64];
        new ProofWriter(buf).G1(p);
        t.AppendPoint(label, buf);
    }

    public static void AppendG1s(this Transcript t, string label, ReadOnlySpan<G1Affine> points)
    {
        var buf = new byte[64 * points.Length];
        var w = new ProofWriter(buf);
        foreach (var p in points) w.G1(p);
        t.AppendPoints(label, buf);
    }
}
