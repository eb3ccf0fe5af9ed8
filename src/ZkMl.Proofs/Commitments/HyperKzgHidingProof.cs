using System.Security.Cryptography;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// A hiding commitment C = [v(τ)]₁ + Blinding·H and its blinding (<see cref="HyperKzg.CommitHiding(Srs, ReadOnlySpan{Fr})"/>).
/// The blinding opens C: keep it out of proofs, logs and messages (<see cref="ToString"/> leaves it out).
/// </summary>
/// <param name="Commitment">The commitment point.</param>
/// <param name="Blinding">The uniform scalar s.</param>
public readonly record struct HidingCommitment(G1Affine Commitment, Fr Blinding)
{
    /// <summary>The commitment only (never the blinding).</summary>
    public override string ToString() => $"HidingCommitment {{ Commitment = {Commitment} }}";
}

/// <summary>
/// A hiding HyperKZG proof (docs/protocol.md "HyperKZG", ZK mode): the HyperKZG messages, whose fold commitments
/// are blinded, and s_B = Σ_i q^i·s_i, the blinding of the batched polynomial B's commitment.
/// </summary>
public sealed class HyperKzgHidingProof
{
    /// <summary>The HyperKZG messages (same shape and encoding as a non-hiding proof; fold commitments blinded).</summary>
    public HyperKzgProof Opening { get; }

    /// <summary>s_B = Σ_(i&lt;O) q^i·s_i (s_0 the opened commitment's blinding): uniform whenever a fold or the opened commitment carries a fresh blinding.</summary>
    public Fr BlindingSum { get; }

    /// <summary>Creates a proof from its parts (shapes are checked by the verifier).</summary>
    public HyperKzgHidingProof(HyperKzgProof opening, Fr blindingSum)
    {
        ArgumentNullException.ThrowIfNull(opening);
        Opening = opening; BlindingSum = blindingSum;
    }

    /// <summary>Encoded size for ℓ variables: <see cref="HyperKzgProof.EncodedLength"/> + 32 (s_B last).</summary>
    public static int EncodedLength(int numVars) => HyperKzgProof.EncodedLength(numVars) + 32;

    /// <summary>The non-hiding encoding of <see cref="Opening"/> (empty for ℓ = 0) followed by s_B (32 bytes big-endian).</summary>
    public byte[] ToBytes()
    {
        var inner = Opening.ToBytes();
        var buf = new byte[inner.Length + 32];
        inner.CopyTo(buf, 0);
        BlindingSum.WriteBigEndian(buf.AsSpan(inner.Length));
        return buf;
    }

    /// <summary>Decodes a proof for ℓ = <paramref name="numVars"/> variables; never throws (false with a reason).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int numVars, out HyperKzgHidingProof? proof, out string? reason)
    {
        proof = null;
        if (numVars < 0 || numVars > 40) { reason = $"number of variables {numVars} out of range"; return false; }
        int expected = EncodedLength(numVars);
        if (bytes.Length != expected) { reason = $"hiding HyperKZG proof is {bytes.Length} bytes; expected {expected} for {numVars} variables"; return false; }
        if (!HyperKzgProof.TryDecode(bytes[..^32], numVars, out var inner, out reason)) return false;
        if (!Fr.TryFromBytesBigEndian(bytes[^32..], out var sB)) { reason = "s_B: not below the scalar field modulus"; return false; }
        proof = new HyperKzgHidingProof(inner!, sB);
        reason = null;
        return true;
    }
}

/// <summary>Uniform scalars for blindings and masks (docs/zk-design.md A5): the OS CSPRNG unless a test injects a generator.</summary>
internal static class ZkRandom
{
    /// <summary>Uniform in Fr (zero included) by rejection sampling of 254-bit strings; <paramref name="rng"/> null = OS CSPRNG.</summary>
    public static Fr Scalar(RandomNumberGenerator? rng)
    {
        Span<byte> b = stackalloc byte[32];
        Fr v;
        do
        {
            if (rng is null) RandomNumberGenerator.Fill(b); else rng.GetBytes(b);
            b[0] &= 0x3f;
        }
        while (!Fr.TryFromBytesBigEndian(b, out v));
        b.Clear();
        return v;
    }
}
