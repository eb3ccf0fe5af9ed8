using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Proofs.Openings;

/// <summary>
/// A zero-knowledge batched opening proof (docs/protocol.md "Batched openings" → "ZK mode (in progress)"): the mask sum
/// σ_o, N sumcheck rounds (c0, c2), the inverse hint K_0⁻¹ and one hiding HyperKZG proof of the normalised joint
/// claim. No per-vector evaluation, no γ. The mask commitments C_D1, C_D2 travel with the statement (they are absorbed
/// before the first challenge they must answer), not here.
/// </summary>
public sealed class ZkBatchOpeningProof
{
    /// <summary>σ_o = Σ_x (D1(x) + eq(0, x)·D2(x)).</summary>
    public Fr MaskSum { get; }

    /// <summary>Round k: (c0, c2) of g_k(X) = c0 + c1·X + c2·X².</summary>
    public Fr[][] RoundPolynomials { get; }

    /// <summary>K_0⁻¹, the inverse of the first vector's coefficient (not absorbed; the verifier checks hint·K_0 = 1).</summary>
    public Fr InverseHint { get; }

    /// <summary>The hiding HyperKZG opening of (C_J/K_0, r, e/K_0).</summary>
    public HyperKzgHidingProof Opening { get; }

    /// <summary>Creates a proof from its parts (shapes are checked by the verifier).</summary>
    public ZkBatchOpeningProof(Fr maskSum, Fr[][] roundPolynomials, Fr inverseHint, HyperKzgHidingProof opening)
    {
        ArgumentNullException.ThrowIfNull(roundPolynomials);
        ArgumentNullException.ThrowIfNull(opening);
        MaskSum = maskSum; RoundPolynomials = roundPolynomials; InverseHint = inverseHint; Opening = opening;
    }

    /// <summary>Encoded size over N variables: 32 (σ_o) + 64·N + 32 (hint) + the hiding HyperKZG proof of N variables.</summary>
    public static int EncodedLength(int numVars) => 32 + 64 * numVars + 32 + HyperKzgHidingProof.EncodedLength(numVars);

    /// <summary>σ_o ‖ (c0 ‖ c2) per round ‖ hint ‖ hiding HyperKZG bytes (Fr: 32 bytes big-endian).</summary>
    public byte[] ToBytes()
    {
        var inner = Opening.ToBytes();
        var buf = new byte[64 + 64 * RoundPolynomials.Length + inner.Length];
        var w = new ProofWriter(buf);
        w.Fr(MaskSum);
        foreach (var rp in RoundPolynomials) foreach (var c in rp) w.Fr(c);
        w.Fr(InverseHint);
        inner.CopyTo(buf, w.Position);
        return buf;
    }

    /// <summary>Decodes a proof over <paramref name="numVars"/> variables. Never throws; false with a reason on bad bytes.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int numVars, out ZkBatchOpeningProof? proof, out string? reason)
    {
        proof = null;
        if (numVars < 0 || numVars > 30) { reason = $"number of variables {numVars} out of range"; return false; }
        int expected = EncodedLength(numVars);
        if (bytes.Length != expected) { reason = $"ZK batched opening proof is {bytes.Length} bytes; expected {expected} for {numVars} variables"; return false; }
        var r = new ProofReader(bytes);
        if (!r.Fr(out var sigma, "mask sum σ_o", out reason)) return false;
        var rounds = new Fr[numVars][];
        for (int k = 0; k < numVars; k++)
        {
            rounds[k] = new Fr[2];
            if (!r.Fr(out rounds[k][0], $"round {k} c0", out reason) || !r.Fr(out rounds[k][1], $"round {k} c2", out reason)) return false;
        }
        if (!r.Fr(out var hint, "inverse hint", out reason)) return false;
        int off = 64 + 64 * numVars;
        if (!HyperKzgHidingProof.TryDecode(bytes[off..], numVars, out var inner, out reason)) { reason = "hiding HyperKZG part: " + reason; return false; }
        proof = new ZkBatchOpeningProof(sigma, rounds, hint, inner!);
        return true;
    }
}
