using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.TestKit;
using Xunit.Abstractions;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Review (session 21) of the column-major private input (docs/protocol.md "ZK mode: the column-major private input"): the
/// verifier's s̃el and the tail claim's terms checked against their definitions over the column-major X′ (entry col·Bp + row)
/// at odd, dyadic and wide input sizes and at Bp = 1 … 1024; completeness at odd sizes and large batches (the prover's
/// explicit sel table against the verifier's s̃el); and forced non-zero padded columns in rows other than row 0 (Bp &gt; 1,
/// where the column-major layout differs from the row-major one), including a tail that cancels under block-local weights.
/// </summary>
public class ZkColumnMajorReviewTests(ITestOutputHelper log)
{
    private static readonly ZkSettings On = ZkSettings.PrivateInputs();
    private static readonly ZkSettings Off = ZkSettings.PrivateInputs(rangeCheck: false);

    private static ZkSetup Setup(Circuit c, int seed, int maxBatch)
        => InferenceSetup.RunZk(c, InferenceFixtures.Srs, maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));

    private static (Circuit C, ZkSetup Z, float[][] Samples) Model(int inputSize, int hidden, ZkSettings zk, int seed, int maxBatch, int outputs = 4)
    {
        var net = InferenceFixtures.Random(seed, [inputSize, hidden, outputs], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(seed + 1, 8, inputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
        return (c, Setup(c, seed + 2, maxBatch), samples);
    }

    private static Fr R(Random rng) => Fr.Random(rng);

    /// <summary>sel over the column-major X′ of 2^{i_0} columns and 2^b rows: [e &lt; inputSize·2^b].</summary>
    private static Fr[] Selector(int inputSize, int i0, int b)
    {
        var s = new Fr[1 << (i0 + b)];
        for (long e = 0; e < (long)inputSize << b; e++) s[e] = Fr.One;
        return s;
    }

    public static TheoryData<int> InputSizes => new() { 1, 2, 3, 4, 5, 7, 9, 13, 16, 17, 784 }; // 1, 2: i_0 = 2 (ZK's minimum padded width 4)

    /// <summary>
    /// The verifier's s̃el(r_in) (ZkInference.InputSelectorAt: the first i_0 coordinates) is the MLE of the column-major real-prefix
    /// indicator at every b (the row coordinates last, summing out), for odd sizes, a dyadic size (s̃el ≡ 1, no tail) and MNIST's
    /// 784; and the tail claim's terms (ZkInference.TailTerms) are exactly eq(r_in, e)·[e ≥ inputSize·Bp] over all n_in coordinates,
    /// entry by entry (tables) and as MLEs at a random point (the verifier's side), with no term when the width is dyadic.
    /// </summary>
    [Theory]
    [MemberData(nameof(InputSizes))]
    public void Selector_and_tail_terms_match_their_definitions_over_the_column_major_input(int inputSize)
    {
        var (_, z, _) = Model(inputSize, 8, On, 300 + inputSize, 1);
        var vk = z.VerifyingKey;
        int i0 = vk.Layers[0].InVars;
        Assert.Equal(inputSize, vk.InputSize);
        var zs = new ZkShape(vk, 0);
        var rng = new Random(inputSize);
        foreach (int b in new[] { 0, 1, 2, 5, 10 })
        {
            if (i0 + b > 20) continue;
            int nIn = i0 + b;
            var rin = Enumerable.Range(0, nIn).Select(_ => R(rng)).ToArray();
            var sel = Selector(inputSize, i0, b);
            Assert.Equal(DenseMle.Evaluate(sel, rin), ZkInference.InputSelectorAt(vk, rin));
            // Boolean points: s̃el is the indicator itself
            for (int trial = 0; trial < 8; trial++)
            {
                long e = rng.NextInt64(1L << nIn);
                var bits = Enumerable.Range(0, nIn).Select(i => ((e >> (nIn - 1 - i)) & 1) != 0 ? Fr.One : Fr.Zero).ToArray();
                Assert.Equal(sel[e], ZkInference.InputSelectorAt(vk, bits));
            }

            var terms = ZkInference.TailTerms(vk, zs, rin).ToList();
            if (inputSize == 1 << i0) { Assert.Empty(terms); continue; }
            Assert.All(terms, t => Assert.Equal(zs.XVector, t.Vector));
            Assert.All(terms, t => Assert.Equal(nIn, t.Weight.NumVars));
            Assert.True(terms.Count <= i0, $"{terms.Count} blocks for a tail of {(1 << i0) - inputSize} columns");
            if (nIn > 16) continue; // the dense comparison below is 2^{n_in} per term
            var combined = new Fr[1 << nIn];
            foreach (var t in terms)
            {
                var tab = t.Weight.Table();
                for (int e = 0; e < tab.Length; e++) combined[e] += t.Coefficient * tab[e];
            }
            var eq = Eq.Table(rin);
            long prefix = (long)inputSize << b;
            for (int e = 0; e < combined.Length; e++)
                Assert.True((e < prefix ? Fr.Zero : eq[e]) == combined[e], $"inputSize {inputSize}, b = {b}: the tail weight at entry {e} (column {e >> b}, row {e & ((1 << b) - 1)})");
            // the verifier's side: Σ_t κ_t·w̃_t(y) = the MLE of the combined table at a random point y
            var y = Enumerable.Range(0, nIn).Select(_ => R(rng)).ToArray();
            var mle = Fr.Zero;
            foreach (var t in terms) mle += t.Coefficient * t.Weight.Evaluate(y);
            Assert.Equal(DenseMle.Evaluate(combined, y), mle);
        }
    }

    /// <summary>
    /// Completeness where the column-major layout matters: input sizes 1 and 2 (i_0 = 2 by ZK's minimum padded width 4: tails of 3 and 2 columns), odd sizes (3: i_0 = 2;
    /// 5, 13) at B = 2, 3 (a padded row) and 4, and 13 → … at B = 1000 (Bp = 1024, b = 10, n_in = 14): the prover's explicit sel
    /// and tail against the verifier's s̃el and tail terms. The same statements with the check off verify too.
    /// </summary>
    [Theory]
    [InlineData(1, new[] { 1, 2, 3 }, 4)]
    [InlineData(2, new[] { 1, 4 }, 4)]
    [InlineData(3, new[] { 1, 2, 3, 4 }, 4)]
    [InlineData(5, new[] { 2, 3 }, 4)]
    [InlineData(13, new[] { 3, 1000 }, 1024)]
    public void Range_checked_proofs_verify_at_odd_input_sizes_and_large_batches(int inputSize, int[] batches, int maxBatch)
    {
        var (c, z, samples) = Model(inputSize, 8, On, 400 + inputSize, maxBatch);
        var rng = new Random(inputSize);
        foreach (int batch in batches)
        {
            var rows = Enumerable.Range(0, batch).Select(i => c.QuantizeInput(samples[rng.Next(samples.Length)])).ToArray();
            var made = InferenceProver.ProvePrivate(z.ProvingKey, rows, null, null, new ProverTimings(), new SeededRng(inputSize * 7 + batch));
            var r = InferenceVerifier.Verify(z.VerifyingKey, made.Proof);
            Assert.True(r.IsValid, $"inputSize {inputSize}, B = {batch}: {r.Reason}");
            log.WriteLine($"inputSize {inputSize}, B = {batch}: {made.Proof.ProofSize} bytes, verified");
        }
    }

    /// <summary>
    /// A forced X′ whose padded columns are non-zero in rows other than row 0 (B = 2 and 4, so Bp &gt; 1 and the tail [9·Bp, 16·Bp)
    /// is not the row-major padded positions) on a 9 → 64 → 8 model (W_1 does not fit the hole of layer 0's weight item, so
    /// only b_0 and b_1 sit in padded weight rows 9 and 10): (a) one entry in the last row; (b) a tail that sums to zero under
    /// block-local weights — the blocks are columns [9, 10), [10, 12), [12, 16); in one row, a at column 11 (local weight z_3)
    /// and −a at columns 13 and 15 (local weights (1 − z_2)z_3 and z_2·z_3) give a·z_3 − a·z_3 ≡ 0 (docs/protocol.md's
    /// cancellation note: the test checks that the block-local sum is 0 and the tail claim's is not). Layer 0's weight rows there are zero in the model vector,
    /// so the matmul does not see them: with the check off each proof verifies (the weak statement, the test's teeth), with the
    /// check on the tail claim (one point over all n_in coordinates) rejects it (failure Opening).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Forced_non_zero_padded_columns_in_later_rows_are_rejected_by_the_tail_claim(int batch)
    {
        var setups = new[] { (On, 500 + batch), (Off, 510 + batch) }.Select(p => Model(9, 64, p.Item1, p.Item2, 4, outputs: 8)).ToArray();
        var vk0 = setups[0].Z.VerifyingKey;
        int width = 1 << vk0.Layers[0].InVars, cols = 1 << vk0.Layers[0].OutVars;
        Assert.Equal(16, width);
        // padded weight rows that are zero in both keys' model vectors
        bool ZeroRow(ProvingKey pk, int k)
        {
            long w0 = pk.VerifyingKey.Shape.ModelLayout.Offset(KeyShape.WeightItem(0));
            return pk.Model.AsSpan((int)(w0 + (long)k * cols), cols).IndexOfAnyExcept(0L) < 0;
        }
        var zero = Enumerable.Range(9, width - 9).Where(k => setups.All(s => ZeroRow(s.Z.ProvingKey, k))).ToHashSet();
        log.WriteLine($"zero padded weight rows: {string.Join(", ", zero)}");
        var patterns = new (string Name, (int Col, long Value)[] Entries)[]
        {
            ("one entry", [(15, 5)]),
            ("cancels block-locally: +a at 11, −a at 13 and 15", [(11, 7), (13, -7), (15, -7)]),
        };
        Assert.True(patterns.All(p => p.Entries.All(e => zero.Contains(e.Col))), "the test model's padded weight rows 11 … 15 are expected to be zero");
        foreach (var (name, entries) in patterns)
        {
            var verdicts = new List<VerificationResult>();
            foreach (var (c, z, samples) in setups)
            {
                var pk = z.ProvingKey;
                var vk = z.VerifyingKey;
                var rows = samples.Take(batch).Select(s => c.QuantizeInput(s)).ToArray();
                var w = IntegerExecutor.RunQuantized(c, rows);
                Assert.Equal(batch * width, w.Input.Length);
                foreach (var (col, value) in entries) w.Input[(batch - 1) * width + col] = value;
                var xCol = InputCommitment.ColumnMajor(w.Input, width);
                if (vk.Zk.InputRangeCheck)
                {
                    // the tail claim's left side at a random point (one point over all n_in coordinates) is non-zero; the same
                    // blocks with block-local weights (no eq(z_top, j) factor) sum to 0 for the cancelling patterns
                    var rng = new Random(batch);
                    var zpt = Enumerable.Range(0, System.Numerics.BitOperations.Log2((uint)xCol.Length)).Select(_ => R(rng)).ToArray();
                    var zsb = new ZkShape(vk, System.Numerics.BitOperations.Log2((uint)batch));
                    Fr real = Fr.Zero, local = Fr.Zero;
                    foreach (var t in ZkInference.TailTerms(vk, zsb, zpt))
                    {
                        var tab = t.Weight.Table();
                        var dot = Fr.Zero;
                        for (int e = 0; e < tab.Length; e++) dot += tab[e] * Fr.FromInt64(xCol[e]);
                        real += t.Coefficient * dot;
                        local += dot;
                    }
                    Assert.False(real.IsZero, $"{name}: the tail claim's sum is 0");
                    Assert.Equal(entries.Length > 1, local.IsZero);
                }
                var hc = HyperKzg.CommitSmallHiding(pk.Srs, xCol);
                var com = new InputCommitment(InputCommitment.FingerprintOf(pk.Srs), batch, width, vk.InputSize, hc.Commitment);
                var open = new InputOpening(com.FileDigest, batch, vk.InputSize, vk.XBytes, rows.SelectMany(r => r).ToArray(), hc.Blinding);
                ZkInference.AnyInputLayoutForTests.Value = true;
                try
                {
                    var proof = ZkInference.Prove(pk, w, batch, new ProverTimings(), checkLookups: false, new SeededRng(batch + 20), new ZkPrivateInput(com, open));
                    verdicts.Add(InferenceVerifier.Verify(vk, proof));
                }
                finally { ZkInference.AnyInputLayoutForTests.Value = false; }
            }
            log.WriteLine($"B = {batch}, {name} (row {batch - 1}): check on → {verdicts[0].Failure} {verdicts[0].Reason}; check off → valid {verdicts[1].IsValid}");
            Assert.True(verdicts[1].IsValid, $"{name}: without the check the forced proof should verify (else the test has no teeth): {verdicts[1].Reason}");
            Assert.False(verdicts[0].IsValid, $"{name}: the range check accepted a non-zero padded column");
            Assert.Equal(VerificationFailure.Opening, verdicts[0].Failure);
        }
    }

    /// <summary>
    /// The proof file's flags (docs/protocol.md "ZK mode: the column-major private input", (6)): bit 3 goes exactly with bit 1, so a
    /// private proof of the row-major protocol (flags 0b0011, 0b0111) and bit 3 without bit 1 (0b1001, 0b1101) are refused by the
    /// reader, resealed or not; a proof object carrying the old flags is refused by the verifier against a column-major key.
    /// </summary>
    [Fact]
    public void Proof_files_with_the_row_major_flags_are_refused()
    {
        var (c, z, samples) = Model(5, 8, On, 600, 1);
        var vk = z.VerifyingKey;
        var made = InferenceProver.ProvePrivate(z.ProvingKey, [c.QuantizeInput(samples[0])], null, null, new ProverTimings(), new SeededRng(601));
        Assert.Equal(15u, made.Proof.Flags);
        var file = made.Proof.ToFileBytes();
        foreach (uint flags in new uint[] { 3, 7, 9, 13 })
        {
            var bad = (byte[])file.Clone();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(12), flags);
            Assert.False(InferenceProof.TryFromFileBytes(bad, out _, out var why), $"flags {flags} accepted");
            Assert.Contains("exactly with bit 1", why);
            System.Security.Cryptography.SHA256.HashData(bad.AsSpan(0, bad.Length - 32), bad.AsSpan(bad.Length - 32));
            Assert.False(InferenceProof.TryFromFileBytes(bad, out _, out why), $"flags {flags} accepted after resealing");
            Assert.Contains("exactly with bit 1", why);
        }
        var old = InferenceProof.FromParts(made.Proof.VkDigest, made.Proof.PublicInputs.ToArray(), made.Proof.ProofBytes, 7u);
        var r = InferenceVerifier.Verify(vk, old);
        Assert.False(r.IsValid);
        Assert.Contains("flags 0x7 do not match", r.Reason);
    }
}
