using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Proofs.Openings;

/// <summary>
/// A batched opening proof: N sumcheck round polynomials (c0, c2 each; c1 is implied by the
/// running claim), the G per-vector evaluations at the sumcheck point (one per distinct vector of the claims), and one HyperKZG proof
/// of the γ-combined claim (N = largest number of variables among the claims).
/// </summary>
public sealed class BatchOpeningProof
{
    /// <summary>Round k: the coefficients (c0, c2) of g_k(X) = c0 + c1·X + c2·X².</summary>
    public Fr[][] RoundPolynomials { get; }

    /// <summary>e_g = P_g at the sumcheck point restricted to its own variables, one per distinct vector (order of first appearance among the claims).</summary>
    public Fr[] Evaluations { get; }

    /// <summary>The HyperKZG opening of Σ_g γ^g·C_g.</summary>
    public HyperKzgProof Opening { get; }

    /// <summary>Creates a proof from its parts (shapes are checked by the verifier).</summary>
    public BatchOpeningProof(Fr[][] roundPolynomials, Fr[] evaluations, HyperKzgProof opening)
    {
        RoundPolynomials = roundPolynomials; Evaluations = evaluations; Opening = opening;
    }

    /// <summary>Encoded size for G vectors (evaluations) over N variables: 64·N + 32·G + HyperKZG(N).</summary>
    public static int EncodedLength(int numClaims, int numVars) => EncodedLength(numClaims, numVars, numVars);

    /// <summary>Encoded size with a joint opening over <paramref name="jointVars"/> variables (fewer than N when split vectors fold: <see cref="SplitVector"/>).</summary>
    public static int EncodedLength(int numClaims, int numVars, int jointVars) => 64 * numVars + 32 * numClaims + HyperKzgProof.EncodedLength(jointVars);

    /// <summary>Bytes: for each round c0‖c2, then e_0 … e_(G−1), then the HyperKZG proof bytes (docs/protocol.md).</summary>
    public byte[] ToBytes()
    {
        var inner = Opening.ToBytes();
        var buf = new byte[64 * RoundPolynomials.Length + 32 * Evaluations.Length + inner.Length];
        var w = new ProofWriter(buf);
        foreach (var rp in RoundPolynomials) foreach (var c in rp) w.Fr(c);
        foreach (var e in Evaluations) w.Fr(e);
        inner.CopyTo(buf, w.Position);
        return buf;
    }

    /// <summary>
    /// Decodes a proof with <paramref name="numClaims"/> evaluations (one per distinct vector of the claims, see
    /// <see cref="BatchOpening.Vectors"/>) whose largest point has
    /// <paramref name="numVars"/> coordinates. Never throws; false with a reason on bad bytes.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int numClaims, int numVars, out BatchOpeningProof? proof, out string? reason)
        => TryDecode(bytes, numClaims, numVars, numVars, out proof, out reason);

    /// <summary>As <see cref="TryDecode(ReadOnlySpan{byte}, int, int, out BatchOpeningProof?, out string?)"/>, with a joint opening over <paramref name="jointVars"/> variables.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int numClaims, int numVars, int jointVars, out BatchOpeningProof? proof, out string? reason)
    {
        proof = null;
        if (numClaims < 1 || numClaims > 1 << 20 || numVars < 0 || numVars > 30 || jointVars < 0 || jointVars > numVars) { reason = "claim count or variable count out of range"; return false; }
        int expected = EncodedLength(numClaims, numVars, jointVars);
        if (bytes.Length != expected) { reason = $"batched opening proof is {bytes.Length} bytes; expected {expected}"; return false; }
        var r = new ProofReader(bytes);
        var rounds = new Fr[numVars][];
        for (int k = 0; k < numVars; k++)
        {
            rounds[k] = new Fr[2];
            if (!r.Fr(out rounds[k][0], $"round {k} c0", out reason) || !r.Fr(out rounds[k][1], $"round {k} c2", out reason)) return false;
        }
        var evals = new Fr[numClaims];
        for (int i = 0; i < numClaims; i++) if (!r.Fr(out evals[i], $"evaluation {i}", out reason)) return false;
        int off = 64 * numVars + 32 * numClaims;
        if (!HyperKzgProof.TryDecode(bytes[off..], jointVars, out var inner, out reason)) { reason = "HyperKZG part: " + reason; return false; }
        proof = new BatchOpeningProof(rounds, evals, inner!);
        return true;
    }
}
