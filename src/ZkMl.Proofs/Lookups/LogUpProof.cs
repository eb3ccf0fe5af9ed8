using ZkMl.Algebra;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Proofs.Lookups;

/// <summary>
/// A LogUp proof (docs/protocol.md "LogUp"): the common sum S, ONE zero-check over max(n, m) variables of
/// h_t·(α − t) − m + λ·(h_w·(α − f) − 1) (the smaller side tiled), and the final values h_w(r_w), f(r_w),
/// h_t(r_t), t(r_t), m(r_t) (r_w, r_t = the last n, m coordinates of its point).
/// </summary>
/// <param name="Sum">S = Σ_x h_w(x) = Σ_y h_t(y).</param>
/// <param name="ZeroCheck">The zero-check (max(n, m) rounds of 2 elements).</param>
/// <param name="WitnessHelperEval">h_w(r_w).</param>
/// <param name="WitnessEval">f(r_w).</param>
/// <param name="TableHelperEval">h_t(r_t).</param>
/// <param name="TableEval">t(r_t).</param>
/// <param name="MultiplicitiesEval">m(r_t).</param>
public sealed record LogUpProof(
    Fr Sum,
    SumcheckProof ZeroCheck,
    Fr WitnessHelperEval,
    Fr WitnessEval,
    Fr TableHelperEval,
    Fr TableEval,
    Fr MultiplicitiesEval)
{
    /// <summary>Degree of the zero-check polynomial G (without the eq factor); round messages have this many elements.</summary>
    public const int ZeroCheckDegree = 2;

    /// <summary>The five final values in proof (and absorb) order: h_w(r_w), f(r_w), h_t(r_t), t(r_t), m(r_t).</summary>
    public Fr[] FinalValues => [WitnessHelperEval, WitnessEval, TableHelperEval, TableEval, MultiplicitiesEval];

    /// <summary>Encoded length in bytes for witness/table sizes 2^<paramref name="witnessVars"/> and 2^<paramref name="tableVars"/>: 32·(6 + 2·max(n, m)).</summary>
    public static long EncodedLength(int witnessVars, int tableVars) => 32L * (1 + ZeroCheckDegree * (long)Math.Max(witnessVars, tableVars) + 5);

    /// <summary>The proof as bytes: S ‖ rounds ‖ h_w(r_w) ‖ f(r_w) ‖ h_t(r_t) ‖ t(r_t) ‖ m(r_t), each field element 32-byte big-endian.</summary>
    public byte[] ToBytes()
    {
        var z = ZeroCheck.ToBytes();
        var b = new byte[32 * 6 + z.Length];
        Sum.WriteBigEndian(b.AsSpan(0, 32));
        z.CopyTo(b, 32);
        int o = 32 + z.Length;
        foreach (var v in FinalValues) { v.WriteBigEndian(b.AsSpan(o, 32)); o += 32; }
        return b;
    }

    /// <summary>
    /// Parses <see cref="ToBytes"/> output for a witness of 2^<paramref name="witnessVars"/> and a table of
    /// 2^<paramref name="tableVars"/> entries. Returns false with a reason (never throws) on a wrong length or a
    /// non-canonical element (≥ r).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, int witnessVars, int tableVars, out LogUpProof? proof, out string? error)
    {
        proof = null;
        error = null;
        if (witnessVars < 0 || witnessVars > 40 || tableVars < 0 || tableVars > 40)
        {
            error = $"LogUp proof: sizes 2^{witnessVars} / 2^{tableVars} out of range (0..40 variables)";
            return false;
        }
        long expected = EncodedLength(witnessVars, tableVars);
        if (bytes.Length != expected)
        {
            error = $"LogUp proof has {bytes.Length} bytes, expected {expected}";
            return false;
        }
        if (!Fr.TryFromBytesBigEndian(bytes[..32], out var sum)) { error = "LogUp proof field 'sum' is not a canonical field element (must be < r)"; return false; }
        int nn = Math.Max(witnessVars, tableVars);
        int zl = 32 * ZeroCheckDegree * nn;
        if (!SumcheckProof.TryParse(bytes.Slice(32, zl), nn, ZeroCheckDegree, out var zc, out var e1)) { error = "LogUp zero-check: " + e1; return false; }
        string[] names = ["h_w(r_w)", "f(r_w)", "h_t(r_t)", "t(r_t)", "m(r_t)"];
        var v = new Fr[5];
        for (int i = 0; i < 5; i++)
            if (!Fr.TryFromBytesBigEndian(bytes.Slice(32 + zl + 32 * i, 32), out v[i])) { error = $"LogUp proof field '{names[i]}' is not a canonical field element (must be < r)"; return false; }
        proof = new LogUpProof(sum, zc!, v[0], v[1], v[2], v[3], v[4]);
        return true;
    }
}
