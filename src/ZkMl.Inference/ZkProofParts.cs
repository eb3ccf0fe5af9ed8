using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Inference;

/// <summary>
/// The decoded elements of a zero-knowledge proof, in byte order (docs/protocol.md "Proof bytes" → "ZK
/// mode"): C_D1 ‖ C_D2 ‖ C_1 ‖ C_2 ‖ [C_3, private inputs with the range check] ‖ masked LogUp (σ, rounds, ĥ_w, f̂, ĥ_t, t̂, m̂,
/// [ĥ_in, f̂_in,] v_g) ‖ cols ‖ c_f ‖ b̂ per matmul layer ‖
/// matmul σ ‖ matmul rounds ‖ (â, ŵ) per layer ‖ ν̂ (per layer ℓ = L−1 … 0: ν̂_Z if hidden, then ν̂_b) ‖ matmul v_g ‖ ZK
/// batched opening (σ_o, rounds, inverse hint, hiding HyperKZG) ‖ the high halves of the split vectors among W1, W2, W3, in that
/// order (docs/protocol.md "ZK mode: split opening vectors"; W1, W2, W3 above are then their low halves).
/// </summary>
internal sealed record ZkProofParts(G1Affine D1, G1Affine D2, G1Affine W1, G1Affine W2, LogUpMaskedProof LogUp, Fr[] Cols, Fr FillerHint,
    Fr[] Biases, Fr MmMaskSum, SumcheckProof Matmul, Fr[] Mm, Fr[] Nu, Fr MmMaskEval, ZkBatchOpeningProof Opening, G1Affine? W3 = null,
    G1Affine? W1High = null, G1Affine? W2High = null, G1Affine? W3High = null)
{
    public byte[] ToBytes()
    {
        var parts = new List<byte[]>
        {
            EvmEncoding.EncodeG1(D1), EvmEncoding.EncodeG1(D2), EvmEncoding.EncodeG1(W1), EvmEncoding.EncodeG1(W2),
            W3 is { } w3 ? EvmEncoding.EncodeG1(w3) : [],
            LogUp.ToBytes(), Scalars(Cols), FillerHint.ToBytesBigEndian(), Scalars(Biases), MmMaskSum.ToBytesBigEndian(),
            Matmul.ToBytes(), Scalars(Mm), Scalars(Nu), MmMaskEval.ToBytesBigEndian(), Opening.ToBytes(),
            W1High is { } h1 ? EvmEncoding.EncodeG1(h1) : [], W2High is { } h2 ? EvmEncoding.EncodeG1(h2) : [],
            W3High is { } h3 ? EvmEncoding.EncodeG1(h3) : [],
        };
        return parts.SelectMany(p => p).ToArray();
    }

    private static byte[] Scalars(ReadOnlySpan<Fr> v)
    {
        var b = new byte[32 * v.Length];
        for (int i = 0; i < v.Length; i++) v[i].WriteBigEndian(b.AsSpan(32 * i, 32));
        return b;
    }

    /// <summary>Decodes the proof bytes for the key's shape at this batch; never throws on bad bytes.</summary>
    public static bool TryDecode(VerifyingKey vk, ZkShape zs, ReadOnlySpan<byte> bytes, out ZkProofParts? parts, out string? reason)
    {
        parts = null;
        long expected = zs.ProofLength(vk);
        if (bytes.Length != expected) { reason = $"proof is {bytes.Length} bytes; this key and batch need exactly {expected} (zero-knowledge layout)"; return false; }
        var g = new G1Affine[4];
        string[] names = ["mask commitment C_D1", "mask commitment C_D2", "W1 commitment", "W2 commitment"];
        for (int i = 0; i < 4; i++)
            if (!EvmEncoding.TryDecodeG1(bytes.Slice(64 * i, 64), out g[i], out var e)) { reason = $"{names[i]}: {e}"; return false; }
        int o = 256;
        G1Affine? w3 = null;
        if (zs.RangeCheck)
        {
            if (!EvmEncoding.TryDecodeG1(bytes.Slice(o, 64), out var c3, out var e)) { reason = $"W3 commitment: {e}"; return false; }
            w3 = c3;
            o += 64;
        }
        int ll = (int)LogUpMaskedProof.EncodedLength(zs.LuDegrees, zs.RangeCheck);
        if (!LogUpMaskedProof.TryParse(bytes.Slice(o, ll), zs.LuDegrees, zs.RangeCheck, out var lu, out var e3)) { reason = "LogUp: " + e3; return false; }
        o += ll;
        bool Read(ReadOnlySpan<byte> src, int count, string what, out Fr[] v, out string? why)
        {
            v = new Fr[count];
            for (int i = 0; i < count; i++)
                if (!Fr.TryFromBytesBigEndian(src.Slice(32 * i, 32), out v[i])) { why = $"{what} {i} is not below r"; return false; }
            why = null;
            return true;
        }
        if (!Read(bytes[o..], vk.Shape.ColumnCount, "column evaluation", out var cols, out reason)) return false;
        o += 32 * cols.Length;
        if (!Read(bytes[o..], 1, "the filler hint 1/(α − 1)", out var hint, out reason)) return false;
        o += 32;
        if (!Read(bytes[o..], zs.MmLayers.Length, "masked bias evaluation", out var biases, out reason)) return false;
        o += 32 * biases.Length;
        if (!Read(bytes[o..], 1, "matmul mask sum", out var sigma, out reason)) return false;
        o += 32;
        int ml = 32 * zs.MmDegrees.Sum();
        if (!SumcheckProof.TryParse(bytes.Slice(o, ml), zs.MmDegrees, out var mm, out var e4)) { reason = "matmul sumcheck: " + e4; return false; }
        o += ml;
        if (!Read(bytes[o..], 2 * zs.MmLayers.Length, "matmul evaluation", out var mmv, out reason)) return false;
        o += 64 * zs.MmLayers.Length;
        if (!Read(bytes[o..], zs.NuCount, "correction value ν̂", out var nu, out reason)) return false;
        o += 32 * nu.Length;
        if (!Read(bytes[o..], 1, "matmul mask evaluation v_g", out var vg, out reason)) return false;
        o += 32;
        int ol = (int)ZkBatchOpeningProof.EncodedLength(zs.OpeningVars);
        if (!ZkBatchOpeningProof.TryDecode(bytes.Slice(o, ol), zs.OpeningVars, out var opening, out var e5)) { reason = "ZK batched opening: " + e5; return false; }
        o += ol;
        // the high halves of the split vectors among W1, W2, W3, in that order
        var high = new G1Affine?[3];
        bool[] split = [zs.SplitW1, zs.SplitW2, zs.SplitW3];
        for (int i = 0; i < 3; i++)
        {
            if (!split[i]) continue;
            if (!EvmEncoding.TryDecodeG1(bytes.Slice(o, 64), out var p, out var e)) { reason = $"W{i + 1}'s high half commitment: {e}"; return false; }
            high[i] = p;
            o += 64;
        }
        parts = new ZkProofParts(g[0], g[1], g[2], g[3], lu!, cols, hint[0], biases, sigma[0], mm!, mmv, nu, vg[0], opening!, w3, high[0], high[1], high[2]);
        reason = null;
        return true;
    }
}
