using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Lookups;

/// <summary>
/// A zero-knowledge LogUp proof (docs/protocol.md "LogUp", "ZK mode (in progress)"; docs/zk-design.md §5.3): no sum
/// S; the Libra mask's announced sum σ, the masked zero-check (round i has <c>Degrees[i]</c> elements), the five
/// final values (masked values P̂(r) for the polynomials with a <see cref="VanishingMask"/>) and v_g = g(r).
/// </summary>
/// <param name="MaskSum">σ = Σ_y eq(τ, y)·g(y).</param>
/// <param name="ZeroCheck">The masked zero-check.</param>
/// <param name="WitnessHelperEval">ĥ_w(r_w).</param>
/// <param name="WitnessEval">f̂(r_w).</param>
/// <param name="TableHelperEval">ĥ_t(r_t).</param>
/// <param name="TableEval">t̂(r_t).</param>
/// <param name="MultiplicitiesEval">m̂(r_t).</param>
/// <param name="MaskEval">v_g = g(r) (a claim on the committed mask).</param>
/// <param name="InputEvals">With an input side (<see cref="LogUpInputSide"/>): [ĥ_in(r_in), f̂_in(r_in)]; null without one.</param>
public sealed record LogUpMaskedProof(
    Fr MaskSum,
    SumcheckProof ZeroCheck,
    Fr WitnessHelperEval,
    Fr WitnessEval,
    Fr TableHelperEval,
    Fr TableEval,
    Fr MultiplicitiesEval,
    Fr MaskEval,
    Fr[]? InputEvals = null)
{
    /// <summary>
    /// The final values in proof (and absorb) order: ĥ_w(r_w), f̂(r_w), ĥ_t(r_t), t̂(r_t), m̂(r_t), then with an input side
    /// ĥ_in(r_in), f̂_in(r_in).
    /// </summary>
    public Fr[] FinalValues => InputEvals is { } e
        ? [WitnessHelperEval, WitnessEval, TableHelperEval, TableEval, MultiplicitiesEval, e[0], e[1]]
        : [WitnessHelperEval, WitnessEval, TableHelperEval, TableEval, MultiplicitiesEval];

    /// <summary>Encoded length in bytes for a degree profile: 32·(1 + Σ d_i + 6), plus 64 with an input side.</summary>
    public static long EncodedLength(ReadOnlySpan<int> degrees, bool inputSide = false)
    {
        long total = 0;
        foreach (var d in degrees) total += d;
        return 32L * (1 + total + 6 + (inputSide ? 2 : 0));
    }

    /// <summary>
    /// The proof as bytes: σ ‖ rounds ‖ ĥ_w(r_w) ‖ f̂(r_w) ‖ ĥ_t(r_t) ‖ t̂(r_t) ‖ m̂(r_t) ‖ [ĥ_in(r_in) ‖ f̂_in(r_in)] ‖ v_g, each
    /// 32-byte big-endian (the bracket only with an input side).
    /// </summary>
    public byte[] ToBytes()
    {
        var z = ZeroCheck.ToBytes();
        var values = (Fr[])[.. FinalValues, MaskEval];
        var b = new byte[32 * (1 + values.Length) + z.Length];
        MaskSum.WriteBigEndian(b.AsSpan(0, 32));
        z.CopyTo(b, 32);
        int o = 32 + z.Length;
        foreach (var v in values) { v.WriteBigEndian(b.AsSpan(o, 32)); o += 32; }
        return b;
    }

    /// <summary>
    /// Parses <see cref="ToBytes"/> output for the degree profile <paramref name="degrees"/>
    /// (<see cref="LogUpProver.MaskedDegrees(int, int, IReadOnlyCollection{LogUpPolynomial}?)"/>). Returns false with a reason (never throws on the bytes).
    /// </summary>
    /// <exception cref="ArgumentException">A degree out of range (caller parameter).</exception>
    public static bool TryParse(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> degrees, out LogUpMaskedProof? proof, out string? error)
        => TryParse(bytes, degrees, inputSide: false, out proof, out error);

    /// <summary>As above; <paramref name="inputSide"/>: the proof carries ĥ_in(r_in) ‖ f̂_in(r_in) before v_g.</summary>
    /// <exception cref="ArgumentException">A degree out of range (caller parameter).</exception>
    public static bool TryParse(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> degrees, bool inputSide, out LogUpMaskedProof? proof, out string? error)
    {
        proof = null;
        error = null;
        long expected = EncodedLength(degrees, inputSide);
        if (bytes.Length != expected)
        {
            error = $"LogUp ZK proof has {bytes.Length} bytes, expected {expected}";
            return false;
        }
        if (!Fr.TryFromBytesBigEndian(bytes[..32], out var sigma)) { error = "LogUp ZK proof field 'mask sum' is not a canonical field element (must be < r)"; return false; }
        string[] names = inputSide
            ? ["h_w(r_w)", "f(r_w)", "h_t(r_t)", "t(r_t)", "m(r_t)", "h_in(r_in)", "f_in(r_in)", "v_g"]
            : ["h_w(r_w)", "f(r_w)", "h_t(r_t)", "t(r_t)", "m(r_t)", "v_g"];
        int zl = (int)(expected - 32 * (1 + names.Length));
        if (!SumcheckProof.TryParse(bytes.Slice(32, zl), degrees, out var zc, out var e1)) { error = "LogUp zero-check: " + e1; return false; }
        var v = new Fr[names.Length];
        for (int i = 0; i < v.Length; i++)
            if (!Fr.TryFromBytesBigEndian(bytes.Slice(32 + zl + 32 * i, 32), out v[i])) { error = $"LogUp ZK proof field '{names[i]}' is not a canonical field element (must be < r)"; return false; }
        proof = new LogUpMaskedProof(sigma, zc!, v[0], v[1], v[2], v[3], v[4], v[^1], inputSide ? [v[5], v[6]] : null);
        return true;
    }
}

/// <summary>
/// The sum relation of a ZK LogUp, which replaces the announced S: 2^n·h̃_w(½ⁿ) − 2^m·h̃_t(½ᵐ) = 0 on the committed
/// (multilinear, unmasked) helpers, i.e. Σ h_w = Σ h_t without revealing the sum (docs/zk-design.md §5.3).
/// It is the ONLY thing that ties the helpers' sums together: without it a value missing from the table is accepted
/// (<c>LogUpMaskedTests.AWitnessValueMissingFromTheTableIsRejected</c>). Discharge it as ONE combined claim with
/// public value <see cref="Value"/> (e.g. a weighted claim with weights 2^n·eq(½ⁿ, ·) and −2^m·eq(½ᵐ, ·) in the
/// batched opening), never by opening h̃_w(½ⁿ) and h̃_t(½ᵐ) separately: each of those is S/2^k, the witness-dependent
/// sum this mode exists to hide. Use the unmasked committed vectors P̃ here (P̂(½ⁿ) = P̃(½ⁿ) + μ/4 ≠ P̃(½ⁿ)).
/// </summary>
/// <param name="WitnessPoint">½ⁿ.</param>
/// <param name="WitnessWeight">2^n.</param>
/// <param name="TablePoint">½ᵐ.</param>
/// <param name="TableWeight">−2^m.</param>
/// <param name="Value">0 (the weighted sum the two evaluations must give).</param>
/// <param name="InputPoint">With an input side: ½^{n_in} (the relation is then 2^n·h̃_w(½ⁿ) + 2^{n_in}·h̃_in(½^{n_in}) − 2^m·h̃_t(½ᵐ) = 0); else null.</param>
/// <param name="InputWeight">2^{n_in} with an input side.</param>
public sealed record LogUpSumClaim(Fr[] WitnessPoint, Fr WitnessWeight, Fr[] TablePoint, Fr TableWeight, Fr Value, Fr[]? InputPoint = null, Fr InputWeight = default);

/// <summary>
/// An optional second witness segment of a ZK LogUp (docs/zk-design.md §6, the input range check): values f_in (2^{n_in}
/// entries) looked up in the same table, with their own helper h_in = 1/(α − f_in). The zero-check gains the term
/// λ²·(ĥ_in·(α − f̂_in) − s̃el), tiled on the last n_in coordinates, and runs over max(n, m, n_in) rounds; the sum relation
/// becomes Σ h_w + Σ h_in = Σ h_t (the table's multiplicities count both segments). sel is a public 0/1 selector of the
/// entries that are looked up (1 everywhere when absent): h_in = sel/(α − f_in), zero where sel is 0.
/// </summary>
/// <param name="Witness">f_in.</param>
/// <param name="Helper">h_in = sel/(α − f_in), committed by the caller before λ.</param>
/// <param name="Selector">The public selector sel (0 or 1 per entry), or null for sel = 1 (every entry looked up); the
/// verifier takes its MLE at r_in (<see cref="LogUpVerifier.VerifyMasked(Transcript, Fr, int, int, IReadOnlyCollection{LogUpPolynomial}?, ReadOnlySpan{byte}, LogUpMaskedProof?, int, Func{Fr[], Fr}?)"/>).</param>
/// <param name="SelectorMle">Instead of <paramref name="Selector"/>: sel's MLE in closed form (a point of n_in coordinates → s̃el
/// there), so the prover never materialises or folds the 2^{n_in} table; give at most one of the two.</param>
public sealed record LogUpInputSide(Fr[] Witness, Fr[] Helper, Fr[]? Selector = null, Func<Fr[], Fr>? SelectorMle = null)
{
    /// <summary>
    /// Optionally, f_in and h_in as few distinct values (the caller's promise: Witness[e] = WitnessValues[Ids[e] − 1] and Helper[e] =
    /// HelperValues[Ids[e] − 1], checked when the prover uses it), so the zero-check's round that first reads the input side sums
    /// over value pairs (<see cref="Sumcheck.GroupedRound"/>, when n_in exceeds the other sides' variables and K² ≤ the pairs) and
    /// binds f_in and h_in through a table of bound pairs (<see cref="DenseMle.BindGrouped"/>). Prover only: the proof is the same
    /// with or without it.
    /// </summary>
    internal LogUpInputGroups? Groups { get; init; }

    /// <summary>Sizes only.</summary>
    public override string ToString() => $"LogUpInputSide {{ {Witness.Length} entries }}";
}

/// <summary>The input side's entries as few distinct values (<see cref="LogUpInputSide.Groups"/>).</summary>
/// <param name="Ids">Per entry its values' index + 1.</param>
/// <param name="WitnessValues">The distinct f_in values.</param>
/// <param name="HelperValues">The h_in value of each (0 where sel is 0).</param>
internal sealed record LogUpInputGroups(int[] Ids, Fr[] WitnessValues, Fr[] HelperValues);

/// <summary>
/// Result of <see cref="LogUpVerifier.VerifyMasked(Transcript, Fr, int, int, IReadOnlyCollection{LogUpPolynomial}?, ReadOnlySpan{byte}, LogUpMaskedProof?, int)"/>: on success, three kinds of claims the caller MUST discharge —
/// the five evaluation claims (<see cref="Claims"/>; for a masked polynomial the value is P̂(z) = P̃(z) +
/// r_N(1 − r_N)·μ(r_{&lt;N}), a combined claim on the committed vector and the caller's mask), the sum relation
/// (<see cref="SumClaim"/>) and g(<see cref="Point"/>) = <see cref="MaskEvaluation"/> on the committed Libra mask.
/// </summary>
public sealed class LogUpMaskedResult
{
    private LogUpMaskedResult(bool ok, string? error, Fr[] point, IReadOnlyList<LogUpClaim> claims, LogUpSumClaim? sum, LibraMaskClaim? maskClaim)
    {
        MaskClaim = maskClaim;
        Success = ok;
        Error = error;
        Point = point;
        Claims = claims;
        SumClaim = sum;
        MaskEvaluation = maskClaim?.Value ?? Fr.Zero;
    }

    /// <summary>True when every check the verifier can do by itself passed.</summary>
    public bool Success { get; }

    /// <summary>Why verification failed (null on success).</summary>
    public string? Error { get; }

    /// <summary>The zero-check's full point r (N = max(n, m) coordinates; r_w, r_t are its last n, m).</summary>
    public Fr[] Point { get; }

    /// <summary>ĥ_w(r_w), f̂(r_w), ĥ_t(r_t), t̂(r_t), m̂(r_t) (empty on failure).</summary>
    public IReadOnlyList<LogUpClaim> Claims { get; }

    /// <summary>The sum relation (null on failure).</summary>
    public LogUpSumClaim? SumClaim { get; }

    /// <summary>v_g: the value the committed mask must take at <see cref="Point"/>.</summary>
    public Fr MaskEvaluation { get; }

    /// <summary>g(<see cref="Point"/>) = v_g as a claim on the committed Libra mask (null on failure); MUST be discharged.</summary>
    public LibraMaskClaim? MaskClaim { get; }

    internal static LogUpMaskedResult Ok(Fr[] point, IReadOnlyList<LogUpClaim> claims, LogUpSumClaim sum, LibraMaskClaim maskClaim) => new(true, null, point, claims, sum, maskClaim);

    internal static LogUpMaskedResult Fail(string error) => new(false, error, [], [], null, null);
}

/// <summary>What the ZK LogUp prover returns: the proof, the full zero-check point and the claims the verifier will output.</summary>
public sealed record LogUpMaskedProverOutput(LogUpMaskedProof Proof, Fr[] Point, IReadOnlyList<LogUpClaim> Claims, LogUpSumClaim SumClaim);

/// <summary>Transcript labels of the ZK LogUp's mask (docs/protocol.md "LogUp", "ZK mode (in progress)").</summary>
public static class LogUpMaskLabels
{
    /// <summary>Absorb of the caller's commitment bytes to the mask (skipped when empty).</summary>
    public const string Commitment = "logup_mask_com";

    /// <summary>Absorb of the mask's announced sum σ = Σ_y eq(τ, y)·g(y).</summary>
    public const string Sum = "logup_mask_sum";

    /// <summary>The challenge ρ′ that scales the mask.</summary>
    public const string Rho = "logup_rho";

    /// <summary>The three labels as passed to the masked zero-check.</summary>
    public static LibraLabels Labels { get; } = new(Commitment, Sum, Rho);
}

public static partial class LogUpProver
{
    // Factor order of CombinedShape: h_t, t, m, h_w, f (then h_in, f_in in CombinedShapeWithInput).
    private static readonly LogUpPolynomial[] FactorOrder =
        [LogUpPolynomial.TableHelper, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities, LogUpPolynomial.WitnessHelper, LogUpPolynomial.Witness,
         LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];

    /// <summary>
    /// G + λ²·(h_in·(α − f_in) − 1): the combined shape with an input side (factors 5 = h_in, 6 = f_in); with
    /// <paramref name="selected"/> G + λ²·(h_in·(α − f_in) − sel), the public selector sel as factor 7.
    /// </summary>
    internal static ProductSum CombinedShapeWithInput(Fr alpha, Fr lambda, bool selected = false)
    {
        var l2 = lambda * lambda;
        return new(selected ? 8 : 7,
        [
            .. CombinedShape(alpha, lambda).Terms,
            new ProductTerm(l2 * alpha, [5]),
            new ProductTerm(-l2, [5, 6]),
            new ProductTerm(-l2, selected ? [7] : []),
        ]);
    }

    /// <summary>
    /// The degree profile of a ZK LogUp with an input side of 2^<paramref name="inputVars"/> entries (−1: none, the
    /// two-argument profile): max(n, m, n_in) rounds, 2 per round, the last round 4 when a helper and its partner are both masked.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range.</exception>
    public static int[] MaskedDegrees(int witnessVars, int tableVars, IReadOnlyCollection<LogUpPolynomial>? masked, int inputVars)
    {
        if (inputVars < 0) return MaskedDegrees(witnessVars, tableVars, masked);
        if (witnessVars < 0 || witnessVars > 40 || tableVars < 0 || tableVars > 40 || inputVars > 40) throw new ArgumentException($"LogUp: sizes 2^{witnessVars} / 2^{tableVars} / 2^{inputVars} out of range (0..40 variables)");
        int nn = Math.Max(Math.Max(witnessVars, tableVars), inputVars);
        if (nn == 0) throw new ArgumentException("LogUp ZK: the zero-check needs at least one variable (a witness or table of ≥ 2 entries)");
        var indices = (masked ?? []).Select(p => Array.IndexOf(FactorOrder, p)).ToArray();
        return SumcheckProver.RoundDegrees(CombinedShapeWithInput(Fr.One, Fr.One), nn, indices);
    }

    /// <summary>
    /// The degree profile of the ZK LogUp's zero-check over N = max(n, m) variables when the polynomials in
    /// <paramref name="masked"/> carry vanishing masks: 2 in every round, and in the last round
    /// max(2, deg(ĥ_t·t̂), deg(ĥ_w·f̂)) — 4 when a helper and its partner are both masked (docs/zk-design.md §5.3).
    /// Sample the <see cref="LibraMask"/> with it; the verifier takes the same. This is the profile of a LogUp without an
    /// input side: <see cref="LogUpPolynomial.InputHelper"/> and <see cref="LogUpPolynomial.InputWitness"/> are no factors
    /// of it, so listing them changes nothing; a LogUp with an input side takes the four-argument overload (its rounds and
    /// last degree include h_in·f_in).
    /// </summary>
    /// <exception cref="ArgumentException">n and m both 0, or out of range.</exception>
    public static int[] MaskedDegrees(int witnessVars, int tableVars, IReadOnlyCollection<LogUpPolynomial>? masked = null)
    {
        if (witnessVars < 0 || witnessVars > 40 || tableVars < 0 || tableVars > 40) throw new ArgumentException($"LogUp: sizes 2^{witnessVars} / 2^{tableVars} out of range (0..40 variables)");
        int nn = Math.Max(witnessVars, tableVars);
        if (nn == 0) throw new ArgumentException("LogUp ZK: the zero-check needs at least one variable (a witness or table of ≥ 2 entries)");
        var indices = (masked ?? []).Select(p => Array.IndexOf(FactorOrder, p)).Where(i => i < 5).ToArray();
        return SumcheckProver.RoundDegrees(CombinedShape(Fr.One, Fr.One), nn, indices);
    }

    /// <summary>
    /// Zero-knowledge LogUp (docs/zk-design.md §5.3) after the caller has committed f's columns, m, the helpers and
    /// the Libra <paramref name="mask"/> (sampled with <see cref="MaskedDegrees(int, int, IReadOnlyCollection{LogUpPolynomial}?)"/>) and absorbed those commitments.
    /// Transcript: λ = <c>logup_lambda</c>; τ = N × <c>logup_tau</c>; the masked zero-check of
    /// Σ_y eq(τ, y)·(Ĝ_t + λĜ_w)(y) = 0 (labels <see cref="LogUpMaskLabels"/>; <paramref name="maskCommitment"/> absorbed
    /// first when non-empty); absorb <c>logup_evals</c> = ĥ_w(r_w) ‖ f̂(r_w) ‖ ĥ_t(r_t) ‖ t̂(r_t) ‖ m̂(r_t) ‖ v_g. No S is sent.
    /// </summary>
    /// <param name="transcript">Transcript positioned after the commitments.</param>
    /// <param name="witness">f (2^n entries).</param>
    /// <param name="table">t (2^m entries).</param>
    /// <param name="multiplicities">m (2^m entries).</param>
    /// <param name="witnessHelper">h_w.</param>
    /// <param name="tableHelper">h_t.</param>
    /// <param name="alpha">The challenge α of the helpers.</param>
    /// <param name="mask">The committed Libra mask (N rounds, degrees exactly <see cref="MaskedDegrees(int, int, IReadOnlyCollection{LogUpPolynomial}?)"/>, which the verifier uses).</param>
    /// <param name="maskCommitment">Bytes to absorb before σ (empty when the commitment was absorbed earlier).</param>
    /// <param name="masks">Vanishing masks per polynomial (the smaller side is tiled to N variables; a mask's μ gets
    /// r_1 … r_{N−1} of the full point and should depend on that side's own coordinates only).</param>
    /// <exception cref="LogUpException">Inconsistent sizes, or Σ h_w ≠ Σ h_t.</exception>
    /// <exception cref="SumcheckException">A mask of the wrong shape.</exception>
    public static LogUpMaskedProverOutput ProveMasked(Transcript transcript, ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities,
        ReadOnlySpan<Fr> witnessHelper, ReadOnlySpan<Fr> tableHelper, Fr alpha, LibraMask mask, ReadOnlySpan<byte> maskCommitment,
        IReadOnlyDictionary<LogUpPolynomial, VanishingMask>? masks = null)
        => ProveMaskedCore(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, mask, maskCommitment, masks, checkSums: true);

    /// <summary>
    /// As <see cref="ProveMasked"/>; <paramref name="checkSums"/> = false lets tests prove a false lookup; <paramref name="input"/>
    /// adds an input side (<see cref="LogUpInputSide"/>; the mask sampled with the four-argument <see cref="MaskedDegrees(int, int, IReadOnlyCollection{LogUpPolynomial}?, int)"/>).
    /// </summary>
    internal static LogUpMaskedProverOutput ProveMaskedCore(Transcript transcript, ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities,
        ReadOnlySpan<Fr> witnessHelper, ReadOnlySpan<Fr> tableHelper, Fr alpha, LibraMask mask, ReadOnlySpan<byte> maskCommitment,
        IReadOnlyDictionary<LogUpPolynomial, VanishingMask>? masks, bool checkSums, LogUpInputSide? input = null)
        => ProveMaskedCore(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, mask, maskCommitment, masks, checkSums, input, null);

    /// <summary>
    /// As <see cref="ProveMaskedCore(Transcript, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyDictionary{LogUpPolynomial, VanishingMask}?, bool, LogUpInputSide?)"/>
    /// for a caller that no longer needs f, t, h_w and f_in: the prover works in those arrays (OVERWRITTEN with its factors,
    /// <see cref="ProveNormalized"/>) instead of copying them, and reads h_t, m and h_in without writing them. Same proof as the
    /// copying overload.
    /// </summary>
    internal static LogUpMaskedProverOutput ProveMaskedConsuming(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities,
        Fr[] witnessHelper, Fr[] tableHelper, Fr alpha, LibraMask mask, ReadOnlySpan<byte> maskCommitment,
        IReadOnlyDictionary<LogUpPolynomial, VanishingMask>? masks, bool checkSums, LogUpInputSide? input)
        => ProveMaskedCore(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, mask, maskCommitment, masks, checkSums, input,
            [witness, table, multiplicities, witnessHelper, tableHelper]);

    // consumable: null, or the five arrays behind the spans (f, t, m, h_w, h_t) that the prover may overwrite.
    private static LogUpMaskedProverOutput ProveMaskedCore(Transcript transcript, ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities,
        ReadOnlySpan<Fr> witnessHelper, ReadOnlySpan<Fr> tableHelper, Fr alpha, LibraMask mask, ReadOnlySpan<byte> maskCommitment,
        IReadOnlyDictionary<LogUpPolynomial, VanishingMask>? masks, bool checkSums, LogUpInputSide? input, Fr[][]? consumable)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(mask);
        CheckSizes(witness.Length, table.Length, multiplicities.Length);
        if (witnessHelper.Length != witness.Length) throw new LogUpException($"LogUp: witness helper has {witnessHelper.Length} entries, witness has {witness.Length}");
        if (tableHelper.Length != table.Length) throw new LogUpException($"LogUp: table helper has {tableHelper.Length} entries, table has {table.Length}");
        int nIn = -1;
        if (input is not null)
        {
            nIn = Parallelism.Log2Exact(input.Witness.Length, "LogUp input side");
            if (input.Helper.Length != input.Witness.Length) throw new LogUpException($"LogUp: input helper has {input.Helper.Length} entries, the input side has {input.Witness.Length}");
            if (input.Selector is { } sl && sl.Length != input.Witness.Length) throw new LogUpException($"LogUp: input selector has {sl.Length} entries, the input side has {input.Witness.Length}");
            if (input is { Selector: not null, SelectorMle: not null }) throw new LogUpException("LogUp: the input side has both a selector table and a selector MLE");
        }
        if (checkSums && DenseMle.Sum(witnessHelper) + (input is null ? Fr.Zero : DenseMle.Sum(input.Helper)) != DenseMle.Sum(tableHelper))
            throw new LogUpException(input is null
                ? "LogUp: Σ h_w ≠ Σ h_t — a witness value is missing from the table or the multiplicities are wrong"
                : "LogUp: Σ h_w + Σ h_in ≠ Σ h_t — a witness or input value is missing from the table or the multiplicities are wrong");
        int n = Parallelism.Log2Exact(witness.Length, "LogUp witness");
        int m = Parallelism.Log2Exact(table.Length, "LogUp table");
        int nn = Math.Max(Math.Max(n, m), nIn);
        if (nn == 0) throw new LogUpException("LogUp ZK: the zero-check needs at least one variable (a witness or table of ≥ 2 entries)");

        var lambda = transcript.ChallengeScalar(LogUpLabels.Lambda);
        var tau = transcript.ChallengeScalars(LogUpLabels.Tau, nn);
        if (!lambda.IsZero && !PlainFactorsForTests.Value)
        {
            // Owned arrays: the caller's when it gave them up, else copies (f_in is copied unless consumable too).
            var arrays = consumable ?? [witness.ToArray(), table.ToArray(), multiplicities.ToArray(), witnessHelper.ToArray(), tableHelper.ToArray()];
            var fin = input is null ? null : consumable is null ? (Fr[])input.Witness.Clone() : input.Witness;
            var o = ProveNormalized(transcript, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], alpha, lambda, tau, mask, maskCommitment, masks, input, fin, nIn);
            transcript.AppendScalars(LogUpLabels.Evals, [.. o.Proof.FinalValues, o.Proof.MaskEval]);
            var point = o.Point;
            var cl = LogUpVerifier.BuildClaims(o.Proof.FinalValues, point[(nn - n)..], point[(nn - m)..], nIn < 0 ? null : point[(nn - nIn)..]);
            return new LogUpMaskedProverOutput(o.Proof, point, cl, LogUpVerifier.SumRelation(n, m, nIn));
        }
        // λ = 0 (probability 1/r): the helpers cannot be scaled by λ; the plain factors below.
        int factors = input is null ? 5 : 7;
        var factorMasks = masks == null ? null : FactorOrder.Take(factors).Select(p => masks.GetValueOrDefault(p)).ToArray();
        // Each side at its own length, read as tiled on the last of the N coordinates (copies: the sumcheck binds them in place).
        var mles = new List<DenseMle> { new(tableHelper.ToArray()), new(table.ToArray()), new(multiplicities.ToArray()), new(witnessHelper.ToArray()), new(witness.ToArray()) };
        if (input is not null) { mles.Add(new((Fr[])input.Helper.Clone())); mles.Add(new((Fr[])input.Witness.Clone())); }
        if (input?.Selector is { } sel) { mles.Add(new(sel.ToArray())); if (factorMasks is not null) factorMasks = [.. factorMasks, null]; }
        var shape = input is null ? CombinedShape(alpha, lambda) : CombinedShapeWithInput(alpha, lambda, selected: input.Selector is not null || input.SelectorMle is not null);
        LinearOracleTerm[]? oracle = null;
        if (input?.SelectorMle is { } selMle)
        {
            shape = new ProductSum(7, shape.Terms.Take(shape.Terms.Count - 1).ToArray()); // −λ²·sel as an oracle term
            oracle = [new LinearOracleTerm(-(lambda * lambda), nIn, selMle)];
        }
        var zc = SumcheckProver.ProveZeroCheckMaskedTiled(transcript, shape, mles, tau, Fr.Zero, mask, maskCommitment, factorMasks, LogUpMaskLabels.Labels, oracle);
        var e = zc.FinalEvaluations;
        var proof = new LogUpMaskedProof(zc.MaskSum, zc.Proof, e[3], e[4], e[0], e[1], e[2], zc.MaskEvaluation, input is null ? null : [e[5], e[6]]);
        transcript.AppendScalars(LogUpLabels.Evals, [.. proof.FinalValues, proof.MaskEval]);
        var claims = LogUpVerifier.BuildClaims(proof.FinalValues, zc.Point[(nn - n)..], zc.Point[(nn - m)..], nIn < 0 ? null : zc.Point[(nn - nIn)..]);
        return new LogUpMaskedProverOutput(proof, zc.Point, claims, LogUpVerifier.SumRelation(n, m, nIn));
    }

    /// <summary>Test switch: prove with the plain factors (the λ = 0 path) so tests can compare both paths' bytes.</summary>
    internal static readonly AsyncLocal<bool> PlainFactorsForTests = new();

    /// <summary>
    /// The masked zero-check for λ ≠ 0 on prover-side factors that make every product term's coefficient ±1: h_t, α − t, m,
    /// λ·h_w, α − f (and h_in, λ²·(α − f_in)), so that G = h_t(α − t) − m + (λh_w)(α − f) − λ [+ h_in·λ²(α − f_in) − λ²·sel] is
    /// the same polynomial as <see cref="CombinedShape"/> / <see cref="CombinedShapeWithInput"/> at every point. The round
    /// messages are therefore the same field elements (same proof bytes) for about half the multiplications per entry; the
    /// final values are mapped back (t̂ = α − (α − t)^, ĥ_w = (λh_w)^/λ, …), each vanishing mask transformed with its factor
    /// (negated, or scaled by λ, −λ²). <paramref name="witness"/>, <paramref name="table"/>, <paramref name="witnessHelper"/> and
    /// <paramref name="inputWitness"/> are overwritten with their factors; h_t, m and h_in are read, never written (their first
    /// bind goes to a new half-size array: no copy of the caller's vectors).
    /// </summary>
    private static (LogUpMaskedProof Proof, Fr[] Point) ProveNormalized(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities,
        Fr[] witnessHelper, Fr[] tableHelper, Fr alpha, Fr lambda, Fr[] tau, LibraMask mask, ReadOnlySpan<byte> maskCommitment,
        IReadOnlyDictionary<LogUpPolynomial, VanishingMask>? masks, LogUpInputSide? input, Fr[]? inputWitness, int nIn)
    {
        var l2 = lambda * lambda;
        // Factor k of the prover is a_k − s_k·P_k, made in place: (α, 1) for t, f; (0, −λ) for h_w; (λ²α, λ²) for f_in.
        AffineInPlace(table, alpha, Fr.One);
        AffineInPlace(witnessHelper, Fr.Zero, -lambda);
        AffineInPlace(witness, alpha, Fr.One);
        var mles = new List<DenseMle>
        {
            DenseMle.Borrowed(tableHelper),
            new(table),
            DenseMle.Borrowed(multiplicities),
            new(witnessHelper),
            new(witness),
        };
        var terms = new List<ProductTerm>
        {
            new(Fr.One, [0, 1]),
            new(-Fr.One, [2]),
            new(Fr.One, [3, 4]),
        };
        LinearOracleTerm[]? oracle = null;
        Fr[]? inputFactorValues = null;
        Fr constant = -lambda;
        if (input is not null)
        {
            var hin = DenseMle.Borrowed(input.Helper);
            var fin = new DenseMle(inputWitness!);
            if (input.Groups is { } g && g.WitnessValues.Length == g.HelperValues.Length && g.Ids.Length == inputWitness!.Length)
            {
                // The factor λ²(α − f_in) from the distinct values' images (cleared below), copied per entry (a read instead of a product).
                inputFactorValues = (Fr[])g.WitnessValues.Clone();
                AffineInPlace(inputFactorValues, l2 * alpha, l2);
                Gather(g, input.Helper, inputFactorValues, inputWitness);
                hin.WithGroups(new ValueGroups(g.Ids, g.HelperValues));
                fin.WithGroups(new ValueGroups(g.Ids, inputFactorValues));
            }
            else AffineInPlace(inputWitness!, l2 * alpha, l2);
            mles.Add(hin);
            mles.Add(fin);
            terms.Add(new(Fr.One, [5, 6]));
            if (input.Selector is { } sel) { mles.Add(DenseMle.Borrowed(sel)); terms.Add(new(-l2, [7])); }
            else if (input.SelectorMle is { } selMle) oracle = [new LinearOracleTerm(-l2, nIn, selMle)];
            else constant -= l2;
        }
        terms.Add(new(constant, []));
        var shape = new ProductSum(mles.Count, [.. terms]);
        // The vanishing mask of a − s·P is −s·μ.
        Fr[] maskScale = [Fr.One, -Fr.One, Fr.One, lambda, -Fr.One, Fr.One, -l2];
        VanishingMask?[]? factorMasks = null;
        if (masks is not null)
        {
            factorMasks = new VanishingMask?[mles.Count];
            for (int k = 0; k < Math.Min(mles.Count, input is null ? 5 : 7); k++)
                if (masks.GetValueOrDefault(FactorOrder[k]) is { } vm)
                {
                    var s = maskScale[k];
                    factorMasks[k] = s.IsOne ? vm : new VanishingMask(r => s * vm.CoefficientAt(r));
                }
        }
        MaskedSumcheckProverOutput zc;
        try { zc = SumcheckProver.ProveZeroCheckMaskedTiled(transcript, shape, mles, tau, Fr.Zero, mask, maskCommitment, factorMasks, LogUpMaskLabels.Labels, oracle); }
        finally { if (inputFactorValues is not null) Array.Clear(inputFactorValues); }
        var e = zc.FinalEvaluations;
        // h_t, m, h_in (and the selector) were borrowed: their bound half-size copies are the prover's own secret-derived arrays
        foreach (var m in mles) m.ClearOwnCopy();
        var lambdaInv = lambda.Inverse();
        var proof = new LogUpMaskedProof(zc.MaskSum, zc.Proof, e[3] * lambdaInv, alpha - e[4], e[0], alpha - e[1], e[2], zc.MaskEvaluation,
            input is null ? null : [e[5], alpha - e[6] * (lambdaInv * lambdaInv)]);
        return (proof, zc.Point);
    }

    /// <summary>
    /// v ← a − s·v in place (s = 1: a − v, no multiplication), in parallel over the entries; the products eight at a time through
    /// <see cref="FrBatch.Mul8"/> when it is vectorized (<see cref="AffineScaled"/>).
    /// </summary>
    private static void AffineInPlace(Fr[] v, Fr a, Fr s)
    {
        bool negate = s.IsOne;
        var scale = -s;
        Parallelism.For(v.Length, (lo, hi) =>
        {
            var x = v.AsSpan(lo, hi - lo);
            if (negate) for (int i = 0; i < x.Length; i++) Fr.Sub(a, x[i], out x[i]);
            else AffineScaled(x, a, scale);
        });
    }

    /// <summary>
    /// o[e] ← images[ids[e] − 1] for every e, in parallel, after checking the groups' promise on the entry: o[e] (f_in) =
    /// WitnessValues[ids[e] − 1] and helper[e] = HelperValues[ids[e] − 1] (a broken promise would prove other values).
    /// </summary>
    /// <exception cref="LogUpException">An id outside 1 … K, or an entry that is not its group's value.</exception>
    private static void Gather(LogUpInputGroups g, Fr[] helper, Fr[] images, Fr[] o)
    {
        var ids = g.Ids;
        bool bad = false;
        Parallelism.For(o.Length, (lo, hi) =>
        {
            for (int e = lo; e < hi; e++)
            {
                uint id = (uint)(ids[e] - 1);
                if (id >= (uint)images.Length || o[e] != g.WitnessValues[id] || helper[e] != g.HelperValues[id]) { bad = true; return; }
                o[e] = images[id];
            }
        });
        // (neither the count K nor an entry's value in the message: both are witness-derived)
        if (bad) throw new LogUpException("LogUp: the input side's value groups do not match its entries (an id outside 1 … K or another value)");
    }

    /// <summary>x[i] ← a + c·x[i] for every i: blocks of eight through <see cref="FrBatch.Mul8"/> by the broadcast c when it is
    /// vectorized, the rest (and every entry otherwise) one <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> each; the same limbs.</summary>
    internal static void AffineScaled(Span<Fr> x, in Fr a, in Fr c)
    {
        int i = 0;
        if (FrBatch.IsVectorized && x.Length >= 8)
        {
            Span<Fr> cb = stackalloc Fr[8];
            cb.Fill(c);
            for (; i + 8 <= x.Length; i += 8)
            {
                FrBatch.Mul8(ref x[i], ref cb[0], ref x[i]);
                for (int l = i; l < i + 8; l++) Fr.Add(a, x[l], out x[l]);
            }
        }
        for (; i < x.Length; i++) { Fr.Mul(x[i], c, out var t); Fr.Add(a, t, out x[i]); }
    }
}

public static partial class LogUpVerifier
{
    /// <summary>
    /// Verifies a zero-knowledge LogUp proof (<see cref="LogUpProver.ProveMasked"/>) for a witness of 2^n and a table
    /// of 2^m entries at challenge <paramref name="alpha"/>, the polynomials in <paramref name="masked"/> carrying
    /// vanishing masks (their final values are P̂'s), on a transcript positioned as the prover's was.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range (caller parameters, not proof data).</exception>
    public static LogUpMaskedResult VerifyMasked(Transcript transcript, Fr alpha, int witnessVars, int tableVars, IReadOnlyCollection<LogUpPolynomial>? masked,
        ReadOnlySpan<byte> maskCommitment, LogUpMaskedProof? proof)
        => VerifyMasked(transcript, alpha, witnessVars, tableVars, masked, maskCommitment, proof, inputVars: -1);

    /// <summary>
    /// As above with an input side of 2^<paramref name="inputVars"/> entries (≥ 0; −1: none): the proof must carry ĥ_in(r_in)
    /// and f̂_in(r_in) (r_in = the last n_in coordinates of the point), the final check includes λ²·(ĥ_in(α − f̂_in) − 1), and the
    /// claims and the sum relation include h_in and f_in.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range (caller parameters, not proof data).</exception>
    public static LogUpMaskedResult VerifyMasked(Transcript transcript, Fr alpha, int witnessVars, int tableVars, IReadOnlyCollection<LogUpPolynomial>? masked,
        ReadOnlySpan<byte> maskCommitment, LogUpMaskedProof? proof, int inputVars)
        => VerifyMasked(transcript, alpha, witnessVars, tableVars, masked, maskCommitment, proof, inputVars, null);

    /// <summary>
    /// As above with the input side's public selector: <paramref name="inputSelector"/>(r_in) = s̃el(r_in), and the final check has
    /// λ²·(ĥ_in(α − f̂_in) − s̃el(r_in)) (null: sel = 1, the overload above).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range (caller parameters, not proof data).</exception>
    public static LogUpMaskedResult VerifyMasked(Transcript transcript, Fr alpha, int witnessVars, int tableVars, IReadOnlyCollection<LogUpPolynomial>? masked,
        ReadOnlySpan<byte> maskCommitment, LogUpMaskedProof? proof, int inputVars, Func<Fr[], Fr>? inputSelector)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var degrees = LogUpProver.MaskedDegrees(witnessVars, tableVars, masked, inputVars);
        if (proof == null) return LogUpMaskedResult.Fail("LogUp ZK proof is missing");
        if ((proof.InputEvals is null) != (inputVars < 0) || proof.InputEvals is { Length: not 2 })
            return LogUpMaskedResult.Fail(inputVars < 0 ? "LogUp ZK proof carries input-side values this LogUp has no input side for" : "LogUp ZK proof lacks the input side's values ĥ_in, f̂_in");
        int nn = degrees.Length;
        var lambda = transcript.ChallengeScalar(LogUpLabels.Lambda);
        var tau = transcript.ChallengeScalars(LogUpLabels.Tau, nn);
        var z = SumcheckVerifier.VerifyZeroCheckMasked(transcript, Fr.Zero, tau, degrees, maskCommitment, proof.MaskSum, proof.ZeroCheck, proof.MaskEval, LogUpMaskLabels.Labels);
        if (!z.Success) return LogUpMaskedResult.Fail("LogUp zero-check: " + z.Error);
        Fr[] tw = [proof.TableHelperEval, proof.TableEval, proof.MultiplicitiesEval, proof.WitnessHelperEval, proof.WitnessEval];
        var g = proof.InputEvals is { } ie
            ? inputSelector is null
                ? LogUpProver.CombinedShapeWithInput(alpha, lambda).Combine([.. tw, ie[0], ie[1]])
                : LogUpProver.CombinedShapeWithInput(alpha, lambda, selected: true).Combine([.. tw, ie[0], ie[1], inputSelector(z.Point[(nn - inputVars)..])])
            : LogUpProver.CombinedShape(alpha, lambda).Combine(tw);
        if (!z.CheckFinalValue(g, out var maskClaim))
            return LogUpMaskedResult.Fail(inputVars < 0
                ? "LogUp zero-check: ĥ_t(α − t̂) − m̂ + λ·(ĥ_w(α − f̂) − 1) + ρ′·v_g at the final point does not match the sumcheck's final value"
                : "LogUp zero-check: ĥ_t(α − t̂) − m̂ + λ·(ĥ_w(α − f̂) − 1) + λ²·(ĥ_in(α − f̂_in) − 1) + ρ′·v_g at the final point does not match the sumcheck's final value");
        transcript.AppendScalars(LogUpLabels.Evals, [.. proof.FinalValues, proof.MaskEval]);
        var claims = BuildClaims(proof.FinalValues, z.Point[(nn - witnessVars)..], z.Point[(nn - tableVars)..], inputVars < 0 ? null : z.Point[(nn - inputVars)..]);
        return LogUpMaskedResult.Ok(z.Point, claims, SumRelation(witnessVars, tableVars, inputVars), maskClaim!);
    }

    /// <summary>The evaluation claims in protocol order: h_w(r_w), f(r_w), h_t(r_t), t(r_t), m(r_t), then with an input side h_in(r_in), f_in(r_in).</summary>
    internal static IReadOnlyList<LogUpClaim> BuildClaims(Fr[] values, Fr[] rw, Fr[] rt, Fr[]? rin = null)
    {
        var claims = new List<LogUpClaim>
        {
            new(LogUpPolynomial.WitnessHelper, (Fr[])rw.Clone(), values[0]),
            new(LogUpPolynomial.Witness, (Fr[])rw.Clone(), values[1]),
            new(LogUpPolynomial.TableHelper, (Fr[])rt.Clone(), values[2]),
            new(LogUpPolynomial.Table, (Fr[])rt.Clone(), values[3]),
            new(LogUpPolynomial.Multiplicities, (Fr[])rt.Clone(), values[4]),
        };
        if (rin is not null)
        {
            claims.Add(new(LogUpPolynomial.InputHelper, (Fr[])rin.Clone(), values[5]));
            claims.Add(new(LogUpPolynomial.InputWitness, (Fr[])rin.Clone(), values[6]));
        }
        return claims;
    }

    /// <summary>2^n·h_w(½ⁿ) − 2^m·h_t(½ᵐ) = 0, plus 2^{n_in}·h_in(½^{n_in}) with an input side (n_in ≥ 0).</summary>
    internal static LogUpSumClaim SumRelation(int n, int m, int nIn = -1)
    {
        var half = Fr.FromInt64(2).Inverse();
        return nIn < 0
            ? new LogUpSumClaim(Filled(n, half), FieldPowers.TwoTo(n), Filled(m, half), -FieldPowers.TwoTo(m), Fr.Zero)
            : new LogUpSumClaim(Filled(n, half), FieldPowers.TwoTo(n), Filled(m, half), -FieldPowers.TwoTo(m), Fr.Zero, Filled(nIn, half), FieldPowers.TwoTo(nIn));
    }
}
