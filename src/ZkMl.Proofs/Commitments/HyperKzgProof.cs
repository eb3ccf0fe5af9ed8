using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// A HyperKZG evaluation proof for a multilinear polynomial in ℓ variables with 8-ary folding (see
/// docs/protocol.md "HyperKZG"): with L = ⌈ℓ/3⌉ levels and O = max(1, L − 1) opened ones, O − 1 fold
/// commitments, the values at r^8 of the eight strided parts of each of P_0 … P_(O−1)
/// (P_i(X) = Σ_b X^b·P_(i,b)(X^8)), P_0(r^8), the last level's coefficients when L ≥ 2, the inverse hint (r^64 − r^8)⁻¹, and two KZG witnesses (W = [B div Z], W' after ζ). For ℓ = 0
/// every array is empty.
/// </summary>
public sealed class HyperKzgProof
{
    /// <summary>[P_i(τ)]₁ for i = 1 … L−1 (P_0 is the committed polynomial itself).</summary>
    public G1Affine[] FoldCommitments { get; }

    /// <summary>G_(i,b) = P_(i,b)(r^8) at index 8i + b, i &lt; L, b &lt; 8 (level-major).</summary>
    public Fr[] Evaluations { get; }

    /// <summary>P_0(r^8) (the later levels' values at r^8 are derived by the verifier); zero when ℓ = 0.</summary>
    public Fr EvalAtR8 { get; }

    /// <summary>The two witnesses of the multi-point opening: W = [B div Z]₁ and W' (empty when ℓ = 0).</summary>
    public G1Affine[] Witnesses { get; }

    /// <summary>The coefficients of the last level P_(L−1) (2, 4 or 8) when L ≥ 2; empty otherwise.</summary>
    public Fr[] LastLevel { get; }

    /// <summary>(r^64 − r^8)⁻¹, which the verifier checks by one multiplication instead of inverting (zero when ℓ = 0).</summary>
    public Fr InverseHint { get; }

    /// <summary>Creates a proof from its parts (lengths are checked by the verifier, not here).</summary>
    public HyperKzgProof(G1Affine[] foldCommitments, Fr[] evaluations, Fr evalAtR8, G1Affine[] witnesses, Fr[] lastLevel, Fr inverseHint)
    {
        FoldCommitments = foldCommitments; Evaluations = evaluations; EvalAtR8 = evalAtR8; Witnesses = witnesses; LastLevel = lastLevel;
        InverseHint = inverseHint;
    }

    /// <summary>
    /// Encoded size for ℓ variables, with O = <see cref="HyperKzg.OpenedLevels"/> and K = <see cref="HyperKzg.LastLevelSize"/>:
    /// 64(O−1) + 2·64 + 32·(8·O + 1) + 32·K + 32 (the inverse hint) bytes (0 when ℓ = 0).
    /// </summary>
    public static int EncodedLength(int numVars)
    {
        int opened = HyperKzg.OpenedLevels(numVars);
        return numVars == 0 ? 0 : 64 * (opened - 1) + 2 * 64 + 32 * (HyperKzg.Arity * opened + 1) + 32 * HyperKzg.LastLevelSize(numVars) + 32;
    }

    /// <summary>
    /// The byte encoding: fold commitments (L−1 G1, 64 bytes each, x‖y big-endian), the two
    /// witnesses (W, W'), then G_(i,b) = P_(i,b)(r^8) level-major, then P_0(r^8) (32-byte big-endian each).
    /// </summary>
    public byte[] ToBytes()
    {
        if (Evaluations.Length == 0) return [];
        var buf = new byte[64 * FoldCommitments.Length + 64 * Witnesses.Length + 32 * (Evaluations.Length + 1 + LastLevel.Length + 1)];
        var w = new ProofWriter(buf);
        foreach (var c in FoldCommitments) w.G1(c);
        foreach (var c in Witnesses) w.G1(c);
        foreach (var v in Evaluations) w.Fr(v);
        w.Fr(EvalAtR8);
        foreach (var v in LastLevel) w.Fr(v);
        w.Fr(InverseHint);
        return buf;
    }

    /// <summary>
    /// Decodes a proof for ℓ = <paramref name="numVars"/> variables. Never throws: returns false
    /// with a reason on a wrong length, a field element ≥ r, or a point not on the curve.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int numVars, out HyperKzgProof? proof, out string? reason)
    {
        proof = null;
        if (numVars < 0 || numVars > 40) { reason = $"number of variables {numVars} out of range"; return false; }
        int expected = EncodedLength(numVars);
        if (bytes.Length != expected) { reason = $"HyperKZG proof is {bytes.Length} bytes; expected {expected} for {numVars} variables"; return false; }
        if (numVars == 0) { proof = new HyperKzgProof([], [], Algebra.Fr.Zero, [], [], Algebra.Fr.Zero); reason = null; return true; }
        var r = new ProofReader(bytes);
        int opened = HyperKzg.OpenedLevels(numVars);
        var folds = new G1Affine[opened - 1];
        var wit = new G1Affine[2];
        var ev = new Fr[HyperKzg.Arity * opened];
        var last = new Fr[HyperKzg.LastLevelSize(numVars)];
        for (int i = 0; i < folds.Length; i++) if (!r.G1(out folds[i], $"fold commitment {i + 1}", out reason)) return false;
        for (int i = 0; i < wit.Length; i++) if (!r.G1(out wit[i], $"witness {i}", out reason)) return false;
        for (int i = 0; i < ev.Length; i++)
            if (!r.Fr(out ev[i], $"G_({i / HyperKzg.Arity},{i % HyperKzg.Arity})", out reason)) return false;
        if (!r.Fr(out var p0, "P_0(r^8)", out reason)) return false;
        for (int i = 0; i < last.Length; i++) if (!r.Fr(out last[i], $"last level coefficient {i}", out reason)) return false;
        if (!r.Fr(out var hint, "inverse hint", out reason)) return false;
        proof = new HyperKzgProof(folds, ev, p0, wit, last, hint);
        reason = null;
        return true;
    }
}

/// <summary>Writes EVM-encoded proof elements (G1 = x‖y, Fr = 32 bytes, big-endian).</summary>
internal ref struct ProofWriter
{
    private readonly Span<byte> _buf;
    private int _pos;

    public ProofWriter(Span<byte> buf) { _buf = buf; _pos = 0; }

    public readonly int Position => _pos;

    public void G1(in G1Affine p)
    {
        p.X.WriteBigEndian(_buf.Slice(_pos, 32));
        p.Y.WriteBigEndian(_buf.Slice(_pos + 32, 32));
        _pos += 64;
    }

    public void Fr(in Fr v)
    {
        v.WriteBigEndian(_buf.Slice(_pos, 32));
        _pos += 32;
    }
}

/// <summary>Reads EVM-encoded proof elements, validating each; never throws on bad bytes.</summary>
internal ref struct ProofReader
{
    private readonly ReadOnlySpan<byte> _buf;
    private int _pos;

    public ProofReader(ReadOnlySpan<byte> buf) { _buf = buf; _pos = 0; }

    public readonly int Remaining => _buf.Length - _pos;

    public bool G1(out G1Affine p, string what, out string? reason)
    {
        p = default;
        if (Remaining < 64) { reason = $"{what}: truncated"; return false; }
        if (!Fq.TryFromBytesBigEndian(_buf.Slice(_pos, 32), out var x) || !Fq.TryFromBytesBigEndian(_buf.Slice(_pos + 32, 32), out var y))
        { reason = $"{what}: coordinate not below the base field prime"; return false; }
        _pos += 64;
        p = new G1Affine(x, y);
        if (!p.IsOnCurve) { reason = $"{what}: point not on the BN254 curve"; return false; }
        reason = null;
        return true;
    }

    public bool Fr(out Fr v, string what, out string? reason)
    {
        v = default;
        if (Remaining < 32) { reason = $"{what}: truncated"; return false; }
        if (!Algebra.Fr.TryFromBytesBigEndian(_buf.Slice(_pos, 32), out v)) { reason = $"{what}: not below the scalar field modulus"; return false; }
        _pos += 32;
        reason = null;
        return true;
    }
}
