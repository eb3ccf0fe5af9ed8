using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Lookups;

/// <summary>
/// LogUp lookup argument (Haböck 2022, "Multivariate lookups based on logarithmic derivatives") with committed
/// helper columns, as a sub-protocol on a <see cref="Transcript"/> (docs/protocol.md "LogUp").
/// Statement: every witness value f_i (2^n entries) occurs in the table t (2^m entries), certified by
/// multiplicities m with Σ_i 1/(α − f_i) = Σ_j m_j/(α − t_j) for a random α.
/// Flow: the caller commits f's columns and m, draws α, calls <see cref="ComputeHelpers"/>, commits h_w and h_t
/// (absorbing the commitments), then calls <see cref="Prove"/>; the verifier calls <see cref="LogUpVerifier.Verify"/>
/// at the same transcript position and discharges the returned evaluation claims.
/// </summary>
public static partial class LogUpProver
{
    /// <summary>
    /// Multiplicities of <paramref name="table"/> for <paramref name="witness"/>: m_j = number of i with
    /// f_i = t_j, counted at the FIRST occurrence of a value in the table (later duplicates get 0).
    /// </summary>
    /// <exception cref="LogUpException">A witness value does not occur in the table (its index is named).</exception>
    public static Fr[] Multiplicities(ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table)
    {
        var index = new Dictionary<Fr, int>(table.Length);
        for (int j = 0; j < table.Length; j++) index.TryAdd(table[j], j);
        var counts = new long[table.Length];
        for (int i = 0; i < witness.Length; i++)
        {
            if (!index.TryGetValue(witness[i], out int j))
                throw new LogUpException($"LogUp: witness entry {i} ({witness[i].ToBigInteger()}) does not occur in the table");
            counts[j]++;
        }
        var m = new Fr[table.Length];
        for (int j = 0; j < m.Length; j++) m[j] = Fr.FromInt64(counts[j]);
        return m;
    }

    /// <summary>
    /// The helper columns h_w = 1/(α − f) and h_t = m/(α − t) (one batch inversion each).
    /// </summary>
    /// <exception cref="ArgumentException">A length is not a power of two.</exception>
    /// <exception cref="LogUpException">The multiplicities and the table differ in length, or α equals a witness/table value
    /// (probability ≈ (2^n + 2^m)/r for a random α; the caller should treat it as an abort).</exception>
    public static (Fr[] WitnessHelper, Fr[] TableHelper) ComputeHelpers(ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities, Fr alpha)
    {
        CheckSizes(witness.Length, table.Length, multiplicities.Length);
        var hw = new Fr[witness.Length];
        for (int i = 0; i < hw.Length; i++)
        {
            hw[i] = alpha - witness[i];
            if (hw[i].IsZero) throw new LogUpException($"LogUp: α equals witness entry {i}; draw a new α");
        }
        var ht = new Fr[table.Length];
        for (int j = 0; j < ht.Length; j++)
        {
            ht[j] = alpha - table[j];
            if (ht[j].IsZero) throw new LogUpException($"LogUp: α equals table entry {j}; draw a new α");
        }
        Fr.BatchInverse(hw);
        Fr.BatchInverse(ht);
        for (int j = 0; j < ht.Length; j++) ht[j] *= multiplicities[j];
        return (hw, ht);
    }

    /// <summary>
    /// Proves the lookup after the caller has committed h_w, h_t (from <see cref="ComputeHelpers"/>) and absorbed
    /// the commitments. Absorbs S, runs both zero-checks and absorbs the final values (labels in
    /// <see cref="LogUpLabels"/>). The inputs are not modified (the prover works on copies at their own lengths;
    /// a caller that no longer needs the vectors saves the copies with <see cref="ProveConsuming"/>).
    /// </summary>
    /// <param name="transcript">Transcript positioned after the helper commitments.</param>
    /// <param name="witness">f (2^n entries).</param>
    /// <param name="table">t (2^m entries).</param>
    /// <param name="multiplicities">m (2^m entries).</param>
    /// <param name="witnessHelper">h_w (2^n entries).</param>
    /// <param name="tableHelper">h_t (2^m entries).</param>
    /// <param name="alpha">The challenge α the helpers were computed with.</param>
    /// <exception cref="LogUpException">Inconsistent sizes, or Σ h_w ≠ Σ h_t (the witness is not a lookup into the
    /// table with these multiplicities; no accepting proof exists).</exception>
    public static LogUpProverOutput Prove(Transcript transcript, ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities,
        ReadOnlySpan<Fr> witnessHelper, ReadOnlySpan<Fr> tableHelper, Fr alpha)
        => ProveCore(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, checkSums: true);

    /// <summary>
    /// As <see cref="Prove"/> (the same proof and transcript) for a caller that gives up its vectors: all five arrays are
    /// overwritten (transformed and bound in place; their contents afterwards are unspecified), so the prover allocates no
    /// table of their size.
    /// </summary>
    /// <param name="transcript">Transcript positioned after the helper commitments.</param>
    /// <param name="witness">f (2^n entries; overwritten).</param>
    /// <param name="table">t (2^m entries; overwritten).</param>
    /// <param name="multiplicities">m (2^m entries; overwritten).</param>
    /// <param name="witnessHelper">h_w (2^n entries; overwritten).</param>
    /// <param name="tableHelper">h_t (2^m entries; overwritten).</param>
    /// <param name="alpha">The challenge α the helpers were computed with.</param>
    /// <param name="checkSums">False only for tests (a false statement then still yields a proof, which must be rejected).</param>
    /// <exception cref="LogUpException">As <see cref="Prove"/>.</exception>
    internal static LogUpProverOutput ProveConsuming(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities,
        Fr[] witnessHelper, Fr[] tableHelper, Fr alpha, bool checkSums = true)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        CheckSizes(witness.Length, table.Length, multiplicities.Length);
        if (witnessHelper.Length != witness.Length) throw new LogUpException($"LogUp: witness helper has {witnessHelper.Length} entries, witness has {witness.Length}");
        if (tableHelper.Length != table.Length) throw new LogUpException($"LogUp: table helper has {tableHelper.Length} entries, table has {table.Length}");
        return ProveOwned(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, checkSums);
    }

    /// <summary>As <see cref="Prove"/> but without the sum-consistency check (tests use it to show that a false
    /// statement yields a rejected proof or false claims).</summary>
    internal static LogUpProverOutput ProveCore(Transcript transcript, ReadOnlySpan<Fr> witness, ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> multiplicities,
        ReadOnlySpan<Fr> witnessHelper, ReadOnlySpan<Fr> tableHelper, Fr alpha, bool checkSums)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        CheckSizes(witness.Length, table.Length, multiplicities.Length);
        if (witnessHelper.Length != witness.Length) throw new LogUpException($"LogUp: witness helper has {witnessHelper.Length} entries, witness has {witness.Length}");
        if (tableHelper.Length != table.Length) throw new LogUpException($"LogUp: table helper has {tableHelper.Length} entries, table has {table.Length}");
        return ProveOwned(transcript, witness.ToArray(), table.ToArray(), multiplicities.ToArray(), witnessHelper.ToArray(), tableHelper.ToArray(), alpha, checkSums);
    }

    /// <summary>
    /// The prover on arrays it may overwrite (sizes checked by the caller). One zero-check over N = max(n, m) variables of
    /// G = G_t + λ·G_w = h_t(α − t) − m + λ·(h_w(α − f) − 1); each side stays at its own length, read as tiled on the last of
    /// the N coordinates (<see cref="SumcheckProver.ProveZeroCheckTiled"/>: the proof of <see cref="DenseMle.Tiled"/> copies).
    /// The zero-check runs on the factors h_t, α − t, m, h_w, α − f (t and f transformed in place) with
    /// G = h_t·(α − t) − m + λ·h_w·(α − f) − λ, the same polynomial as <see cref="CombinedShape"/>, hence the same round messages,
    /// for one product per entry and point instead of two products and four coefficient multiplications: while only the witness side is
    /// read (the first n − m rounds), λ multiplies the round's sums, not the entries (<see cref="TermTiling"/>), and no scaling by
    /// λ means no division by it (λ = 0 needs no other path). The final values are mapped back: t = α − (α − t), f = α − (α − f)
    /// (the MLE of an affine image is the affine image of the MLE).
    /// </summary>
    private static LogUpProverOutput ProveOwned(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities,
        Fr[] witnessHelper, Fr[] tableHelper, Fr alpha, bool checkSums)
    {
        var sum = ParallelSum(witnessHelper);
        if (checkSums && sum != ParallelSum(tableHelper))
            throw new LogUpException("LogUp: Σ h_w ≠ Σ h_t — a witness value is missing from the table or the multiplicities are wrong");
        int n = Parallelism.Log2Exact(witness.Length, "LogUp witness");
        int m = Parallelism.Log2Exact(table.Length, "LogUp table");

        transcript.AppendScalar(LogUpLabels.Sum, sum);

        var lambda = transcript.ChallengeScalar(LogUpLabels.Lambda);
        int nn = Math.Max(n, m);
        var tau = LogUpVerifier.DrawTau(transcript, nn);
        var (zc, e) = FactorZeroCheck(transcript, witness, table, multiplicities, witnessHelper, tableHelper, alpha, lambda, tau);
        var proof = new LogUpProof(sum, zc.Proof, e[3], e[4], e[0], e[1], e[2]);
        transcript.AppendScalars(LogUpLabels.Evals, proof.FinalValues);
        return new LogUpProverOutput(proof, LogUpVerifier.BuildClaims(proof, n, m, zc.Point[(nn - n)..], zc.Point[(nn - m)..]));
    }

    /// <summary>
    /// The zero-check of <see cref="CombinedShape"/>(α, λ) over τ on h_t, α − t, m, h_w, α − f at their own lengths (t and f are
    /// overwritten with α − t, α − f; all five are bound in place). Returns the sumcheck output and the final values of
    /// h_t, t, m, h_w, f (CombinedShape's factor order) at its point.
    /// </summary>
    internal static (SumcheckProverOutput Output, Fr[] FinalValues) FactorZeroCheck(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities,
        Fr[] witnessHelper, Fr[] tableHelper, Fr alpha, Fr lambda, Fr[] tau)
    {
        AffineInPlace(table, alpha, Fr.One);
        AffineInPlace(witness, alpha, Fr.One);
        var shape = new ProductSum(5,
        [
            new ProductTerm(Fr.One, [0, 1]),
            new ProductTerm(-Fr.One, [2]),
            new ProductTerm(lambda, [3, 4]),
            new ProductTerm(-lambda, []),
        ]);
        var zc = SumcheckProver.ProveZeroCheckTiled(transcript, shape, [new(tableHelper), new(table), new(multiplicities), new(witnessHelper), new(witness)], tau, Fr.Zero);
        var e = zc.FinalEvaluations;
        return (zc, [e[0], alpha - e[1], e[2], e[3], alpha - e[4]]);
    }

    /// <summary>Σ v, in parallel over the entries (field addition is exact: the order does not matter).</summary>
    private static Fr ParallelSum(Fr[] v)
    {
        var total = Fr.Zero;
        var gate = new object();
        Parallelism.For(v.Length, (lo, hi) =>
        {
            var acc = Fr.Zero;
            var x = v.AsSpan(lo, hi - lo);
            foreach (ref readonly var y in x) Fr.Add(acc, y, out acc);
            lock (gate) Fr.Add(total, acc, out total);
        });
        return total;
    }

    /// <summary>G(h_t, t, m, h_w, f) = G_t + λ·G_w = α·h_t − h_t·t − m + λα·h_w − λ·h_w·f − λ.</summary>
    internal static ProductSum CombinedShape(Fr alpha, Fr lambda) => new(5,
    [
        new ProductTerm(alpha, [0]),
        new ProductTerm(-Fr.One, [0, 1]),
        new ProductTerm(-Fr.One, [2]),
        new ProductTerm(lambda * alpha, [3]),
        new ProductTerm(-lambda, [3, 4]),
        new ProductTerm(-lambda, []),
    ]);

    private static void CheckSizes(int witness, int table, int multiplicities)
    {
        Parallelism.Log2Exact(witness, "LogUp witness");
        Parallelism.Log2Exact(table, "LogUp table");
        if (multiplicities != table) throw new LogUpException($"LogUp: multiplicities have {multiplicities} entries, table has {table}");
    }
}

/// <summary>
/// Stateless LogUp verifier (docs/protocol.md "LogUp"). Never throws on adversarial proof data; returns failure
/// with a reason, or on success the evaluation claims that the caller MUST discharge.
/// </summary>
/// <remarks>
/// Soundness: given binding commitments to f, t, m, h_w, h_t and true claims, the zero-checks force
/// h_w = 1/(α − f) and h_t = m/(α − t) on every hypercube point (error ≤ (3n + 3m + 2^n + 2^m)/r over τ and the
/// sumcheck challenges), and the ½-point
/// claims force Σ h_w = S = Σ h_t, i.e. Σ 1/(α − f_i) = Σ m_j/(α − t_j), which for a random α drawn after f and m
/// were committed implies the multiset inclusion except with probability ≈ (2^n + 2^m)/r.
/// </remarks>
public static partial class LogUpVerifier
{
    /// <summary>
    /// Verifies <paramref name="proof"/> for a witness of 2^<paramref name="witnessVars"/> and a table of
    /// 2^<paramref name="tableVars"/> entries at challenge <paramref name="alpha"/>, on a transcript positioned as
    /// the prover's was (after the helper commitments).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range 0..40 (caller parameters, not proof data).</exception>
    public static LogUpResult Verify(Transcript transcript, Fr alpha, int witnessVars, int tableVars, LogUpProof? proof)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (witnessVars < 0 || witnessVars > 40) throw new ArgumentException($"LogUp: witness variables {witnessVars} out of range 0..40", nameof(witnessVars));
        if (tableVars < 0 || tableVars > 40) throw new ArgumentException($"LogUp: table variables {tableVars} out of range 0..40", nameof(tableVars));
        if (proof == null) return LogUpResult.Fail("LogUp proof is missing");

        transcript.AppendScalar(LogUpLabels.Sum, proof.Sum);
        var lambda = transcript.ChallengeScalar(LogUpLabels.Lambda);
        int nn = Math.Max(witnessVars, tableVars);
        var tau = LogUpVerifier.DrawTau(transcript, nn);
        var z = SumcheckVerifier.VerifyZeroCheck(transcript, Fr.Zero, tau, LogUpProof.ZeroCheckDegree, proof.ZeroCheck);
        if (!z.Success) return LogUpResult.Fail("LogUp zero-check: " + z.Error);
        var g = LogUpProver.CombinedShape(alpha, lambda).Combine([proof.TableHelperEval, proof.TableEval, proof.MultiplicitiesEval, proof.WitnessHelperEval, proof.WitnessEval]);
        if (!z.Discharge(g)) return LogUpResult.Fail("LogUp zero-check: h_t(α − t) − m + λ·(h_w(α − f) − 1) at the final point does not match the sumcheck's final value");
        transcript.AppendScalars(LogUpLabels.Evals, proof.FinalValues);
        return LogUpResult.Ok(BuildClaims(proof, witnessVars, tableVars, z.Point[(nn - witnessVars)..], z.Point[(nn - tableVars)..]));
    }

    /// <summary>
    /// The zero-check point τ of N coordinates from ONE challenge t = challenge(<c>logup_tau</c>): τ_1 = t,
    /// τ_{i+1} = τ_i² (nothing is drawn for N = 0). Soundness: Σ_y eq(τ, y)·G(y) is the MLE G̃(τ); with τ_i = t^{2^{i−1}}
    /// the multilinear monomials Π_{i∈S} τ_i become the distinct powers t^{Σ_{i∈S} 2^{i−1}}, so G̃(τ(t)) is a
    /// non-zero polynomial of degree &lt; 2^N in t unless G vanishes on the hypercube: a false zero-check passes this
    /// step with probability &lt; 2^N/r (N ≤ 40) instead of N/r, for one Keccak call instead of N.
    /// </summary>
    internal static Fr[] DrawTau(Transcript transcript, int n)
    {
        var tau = new Fr[n];
        if (n == 0) return tau;
        tau[0] = transcript.ChallengeScalar(LogUpLabels.Tau);
        for (int i = 1; i < n; i++) tau[i] = tau[i - 1] * tau[i - 1];
        return tau;
    }

    /// <summary>The claims in protocol order: h_w(½ⁿ) = S/2^n, h_t(½ᵐ) = S/2^m, h_w(r_w), f(r_w), h_t(r_t), t(r_t), m(r_t).</summary>
    internal static IReadOnlyList<LogUpClaim> BuildClaims(LogUpProof proof, int n, int m, Fr[] rw, Fr[] rt)
    {
        var half = Fr.FromInt64(2).Inverse();
        return
        [
            new LogUpClaim(LogUpPolynomial.WitnessHelper, Filled(n, half), proof.Sum * FieldPowers.InverseTwoTo(n)),
            new LogUpClaim(LogUpPolynomial.TableHelper, Filled(m, half), proof.Sum * FieldPowers.InverseTwoTo(m)),
            new LogUpClaim(LogUpPolynomial.WitnessHelper, (Fr[])rw.Clone(), proof.WitnessHelperEval),
            new LogUpClaim(LogUpPolynomial.Witness, (Fr[])rw.Clone(), proof.WitnessEval),
            new LogUpClaim(LogUpPolynomial.TableHelper, (Fr[])rt.Clone(), proof.TableHelperEval),
            new LogUpClaim(LogUpPolynomial.Table, (Fr[])rt.Clone(), proof.TableEval),
            new LogUpClaim(LogUpPolynomial.Multiplicities, (Fr[])rt.Clone(), proof.MultiplicitiesEval),
        ];
    }

    private static Fr[] Filled(int n, Fr v)
    {
        var a = new Fr[n];
        Array.Fill(a, v);
        return a;
    }
}
