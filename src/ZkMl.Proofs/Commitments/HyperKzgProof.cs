using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// A HyperKZG evaluation proof for a multilinear polynomial in ℓ variables (see docs/protocol.md
/// "HyperKZG"): ℓ−1 fold commitments, the evaluations of the ℓ polynomials P_0 … P_(ℓ−1) at r, −r
/// and r², and two KZG witnesses (W = [B div Z], W' after ζ). For ℓ = 0 every array is empty.
/// </summary>
public sealed class HyperKzgProof
{
    /// <summary>[P_i(τ)]₁ for i = 1 … ℓ−1 (P_0 is the committed polynomial itself).</summary>
    public G1Affine[] FoldCommitments { get; }

    /// <summary>P_i(r), i = 0 … ℓ−1.</summary>
    public Fr[] EvalsAtR { get; }

    /// <summary>P_i(−r), i = 0 … ℓ−1.</summary>
    public Fr[] EvalsAtMinusR { get; }

    /// <summary>P_i(r²), i = 0 … ℓ−1.</summary>
    public Fr[] EvalsAtRSquared { get; }

    /// <summary>The two witnesses of the multi-point opening: W = [B div Z]₁ and W' (empty when ℓ = 0).</summary>
    public G1Affine[] Witnesses { get; }

    /// <summary>Creates a proof from its parts (lengths are checked by the verifier, not here).</summary>
    public HyperKzgProof(G1Affine[] foldCommitments, Fr[] evalsAtR, Fr[] evalsAtMinusR, Fr[] evalsAtRSquared, G1Affine[] witnesses)
    {
        FoldCommitments = foldCommitments; EvalsAtR = evalsAtR; EvalsAtMinusR = evalsAtMinusR;
        EvalsAtRSquared = evalsAtRSquared; Witnesses = witnesses;
    }

    /// <summary>The number of variables ℓ the proof is shaped for (length of the evaluation rows).</summary>
    public int NumVars => EvalsAtR.Length;

    /// <summary>Encoded size for ℓ variables: 64(ℓ−1) + 2·64 + 3·32·ℓ bytes (0 when ℓ = 0).</summary>
    public static int EncodedLength(int numVars) => numVars == 0 ? 0 : 64 * (numVars - 1) + 2 * 64 + 96 * numVars;

    /// <summary>
    /// The byte encoding: fold commitments (ℓ−1 G1, 64 bytes each, x‖y big-endian), the two
    /// witnesses (W, W'), then P_i(r) for all i, P_i(−r) for all i, P_i(r²) for all i
    /// (32-byte big-endian each).
    /// </summary>
    public byte[] ToBytes()
    {
        var buf = new byte[EncodedLength(NumVars)];
        var w = new ProofWriter(buf);
        foreach (var c in FoldCommitments) w.G1(c);
        foreach (var c in Witnesses) w.G1(c);
        foreach (var v in EvalsAtR) w.Fr(v);
        foreach (var v in EvalsAtMinusR) w.Fr(v);
        foreach (var v in EvalsAtRSquared) w.Fr(v);
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
        var r = new ProofReader(bytes);
        int l = numVars;
        var folds = new G1Affine[Math.Max(0, l - 1)];
        var wit = new G1Affine[l == 0 ? 0 : 2];
        var a = new Fr[l]; var b = new Fr[l]; var c = new Fr[l];
        for (int i = 0; i < folds.Length; i++) if (!r.G1(out folds[i], $"fold commitment {i + 1}", out reason)) return false;
        for (int i = 0; i < wit.Length; i++) if (!r.G1(out wit[i], $"witness {i}", out reason)) return false;
        for (int i = 0; i < l; i++) if (!r.Fr(out a[i], $"P_{i}(r)", out reason)) return false;
        for (int i = 0; i < l; i++) if (!r.Fr(out b[i], $"P_{i}(-r)", out reason)) return false;
        for (int i = 0; i < l; i++) if (!r.Fr(out c[i], $"P_{i}(r^2)", out reason)) return false;
        proof = new HyperKzgProof(folds, a, b, c, wit);
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
