using ZkMl.Algebra;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Proofs.Lookups;

/// <summary>
/// A LogUp proof (docs/protocol.md "LogUp"): the common sum S, the witness-side zero-check with the final
/// values h_w(r_w), f(r_w), and the table-side zero-check with h_t(r_t), t(r_t), m(r_t).
/// </summary>
/// <param name="Sum">S = Σ_x h_w(x) = Σ_y h_t(y).</param>
/// <param name="WitnessZeroCheck">Zero-check of h_w·(α − f) − 1 (n rounds of 2 elements).</param>
/// <param name="WitnessHelperEval">h_w(r_w).</param>
/// <param name="WitnessEval">f(r_w).</param>
/// <param name="TableZeroCheck">Zero-check of h_t·(α − t) − m (m rounds of 2 elements).</param>
/// <param name="TableHelperEval">h_t(r_t).</param>
/// <param name="TableEval">t(r_t).</param>
/// <param name="MultiplicitiesEval">m(r_t).</param>
public sealed record LogUpProof(
    Fr Sum,
    SumcheckProof WitnessZeroCheck,
    Fr WitnessHelperEval,
    Fr WitnessEval,
    SumcheckProof TableZeroCheck,
    Fr TableHelperEval,
    Fr TableEval,
    Fr MultiplicitiesEval)
{
    /// <summary>Degree of the zero-check polynomials G (without the eq factor); round messages have this many elements.</summary>
    public const int ZeroCheckDegree = 2;

    /// <summary>Encoded length in bytes for witness/table sizes 2^<paramref name="witnessVars"/> and 2^<paramref name="tableVars"/>.</summary>
    public static long EncodedLength(int witnessVars, int tableVars) => 32L * (1 + ZeroCheckDegree * (long)witnessVars + 2 + ZeroCheckDegree * (long)tableVars + 3);

    /// <summary>The proof as bytes: S ‖ witness rounds ‖ h_w(r_w) ‖ f(r_w) ‖ table rounds ‖ h_t(r_t) ‖ t(r_t) ‖ m(r_t),
    /// each field element 32-byte big-endian.</summary>
    public byte[] ToBytes()
    {
        var w = WitnessZeroCheck.ToBytes();
        var t = TableZeroCheck.ToBytes();
        var b = new byte[32 * 6 + w.Length + t.Length];
        int o = 0;
        void Put(in Fr x)
        {
            x.WriteBigEndian(b.AsSpan(o, 32));
            o += 32;
        }
        Put(Sum);
        w.CopyTo(b, o);
        o += w.Length;
        Put(WitnessHelperEval);
        Put(WitnessEval);
        t.CopyTo(b, o);
        o += t.Length;
        Put(TableHelperEval);
        Put(TableEval);
        Put(MultiplicitiesEval);
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
        int o = 0;
        var scalars = new Fr[6];
        int si = 0;
        bool Scalar(ReadOnlySpan<byte> src, string name, out string? err)
        {
            err = null;
            if (!Fr.TryFromBytesBigEndian(src.Slice(o, 32), out scalars[si]))
            {
                err = $"LogUp proof field '{name}' is not a canonical field element (must be < r)";
                return false;
            }
            si++;
            o += 32;
            return true;
        }
        if (!Scalar(bytes, "sum", out error)) return false;
        int wl = 32 * ZeroCheckDegree * witnessVars;
        if (!SumcheckProof.TryParse(bytes.Slice(o, wl), witnessVars, ZeroCheckDegree, out var wz, out var e1))
        {
            error = "LogUp witness zero-check: " + e1;
            return false;
        }
        o += wl;
        if (!Scalar(bytes, "h_w(r_w)", out error) || !Scalar(bytes, "f(r_w)", out error)) return false;
        int tl = 32 * ZeroCheckDegree * tableVars;
        if (!SumcheckProof.TryParse(bytes.Slice(o, tl), tableVars, ZeroCheckDegree, out var tz, out var e2))
        {
            error = "LogUp table zero-check: " + e2;
            return false;
        }
        o += tl;
        if (!Scalar(bytes, "h_t(r_t)", out error) || !Scalar(bytes, "t(r_t)", out error) || !Scalar(bytes, "m(r_t)", out error)) return false;
        proof = new LogUpProof(scalars[0], wz!, scalars[1], scalars[2], tz!, scalars[3], scalars[4], scalars[5]);
        return true;
    }
}
