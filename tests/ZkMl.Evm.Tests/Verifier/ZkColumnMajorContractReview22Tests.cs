using System.Security.Cryptography;
using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Review (session 22) of the generated verifier for column-major private inputs with the input range check (docs/protocol.md
/// "ZK mode: the column-major private input", item (5)) at input sizes and padded batches the session-21 tests do not reach:
/// an odd size with a two-block tail (13: padded columns [13, 14) ∪ [14, 16)), sizes 1 and 2 (i_0 = 2, ZK's minimum width: tails
/// [1, 2) ∪ [2, 4) and [2, 4)), a power of two (16: no tail claim, s̃el = 1), and Bp = 1, 2, 4 (B = 3 with a padded row) and 1024
/// (InputSize 9). Each: an honest proof gets the same verdict (accept) from C# and the contract — s̃el (zkInputSel) and the tail
/// weight (zkTailWeight, kind 4) are per-key code, and a wrong weight MLE fails the batched opening's final check of an honest
/// proof; a forced non-zero padded column in every tail block that has a column with a zero W_0 row (last real row), a pair of
/// entries with opposite signs in two tail blocks of one row, and an out-of-range real column (−InputBound − 1 in the last real
/// row, the highest real column) are rejected by both.
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class ZkColumnMajorContractReview22Tests(VerifierContractFixture fx, ITestOutputHelper output)
{
    [Theory]
    [InlineData(13, 4, true, 4)]
    [InlineData(13, 3, true, 4)]
    [InlineData(13, 1, true, 4)]
    [InlineData(1, 2, true, 4)]
    [InlineData(9, 2, true, 8)] // blocks [9, 10), [10, 12), [12, 16); 8 outputs: W_1 (512) does not fit the padding, columns 11 and 15 are free: the ± pair runs
    [InlineData(2, 4, false, 4)] // W_0's two padding rows hold b_0 and b_1: no consistent padded-column cheat (InputSize 1 forces block [2, 4))
    [InlineData(16, 2, false, 4)] // no tail
    public Task Private_input_shapes_get_the_same_verdict_in_CSharp_and_on_chain(int inputSize, int batch, bool paddedCheat, int outputs)
        => RunAsync(inputSize, 64, outputs, batch, allCheats: true, paddedCheat);

    /// <summary>Bp = 1024 (b = 10 row coordinates after the column coordinates), InputSize 9: the honest proof and one padded-column cheat.</summary>
    [Fact]
    public Task A_private_input_at_Bp_1024_gets_the_same_verdict_in_CSharp_and_on_chain() => RunAsync(9, 16, 4, 1024, allCheats: false, paddedCheat: true);

    private async Task RunAsync(int inputSize, int hidden, int outputs, int batch, bool allCheats, bool paddedCheat)
    {
        int bp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch);
        var net = TestNetworks.Random(220 + inputSize, [inputSize, hidden, outputs], [Activation.Relu, Activation.None]);
        var samples = TestNetworks.Samples(221 + inputSize, Math.Max(batch, 8), inputSize);
        var c = CircuitCompiler.Compile(net, samples.Take(8).ToArray(), new CompileOptions { Zk = ZkSettings.PrivateInputs(rangeCheck: true) });
        var z = InferenceSetup.RunZk(c, ExampleCircuits.Srs, Math.Max(bp, 4));
        var vk = z.VerifyingKey;
        var pk = z.ProvingKey;
        Assert.True(vk.Zk.InputRangeCheck);
        var source = SolidityVerifierGenerator.Generate(vk, "ZkVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ZkVerifier", SolidityVerifierGenerator.SettingsFor(vk), "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);
        int width = 1 << vk.Layers[0].InVars, cols = 1 << vk.Layers[0].OutVars;
        Assert.Equal(inputSize, vk.InputSize);
        // the tail claim exists exactly when InputSize < 2^{i_0}
        Assert.Equal(inputSize < width, source.Contains("the padded columns [", StringComparison.Ordinal));

        var rows = samples.Take(batch).Select(s => c.QuantizeInput(s)).ToArray();
        var honest = InferenceProver.ProvePrivate(pk, rows).Proof;
        Assert.True(await ZkVerifierContractTests.BothAsync(v, vk, honest.PublicInputs.ToArray(), honest.ProofBytes.ToArray(), $"honest proof, InputSize {inputSize}, B = {batch}"));
        output.WriteLine($"InputSize {inputSize} (i_0 = {vk.Layers[0].InVars}), B = {batch} (Bp = {bp}): honest proof accepted by both");

        // W_0's rows of the padded columns may hold other model items (InferenceSetup.BuildModel places only layer 0's real rows):
        // a cheat there would also change layer 0's matmul; the forced cheats use padded columns whose W_0 row is zero, so the
        // witness stays consistent and only the tail claim can see them (the soundness of the matmul rests on it elsewhere).
        long w0 = vk.Shape.ModelLayout.Offset(KeyShape.WeightItem(0));
        bool ZeroRow(int k) => pk.Model.AsSpan((int)(w0 + (long)k * cols), cols).IndexOfAnyExcept(0L) < 0;
        // the tail's aligned dyadic column blocks, as ZkInference.TailTerms splits them
        var blocks = new List<(int Start, int Length)>();
        for (long col = inputSize; col < width;)
        {
            int k = System.Numerics.BitOperations.TrailingZeroCount(col);
            while (col + (1L << k) > width) k--;
            blocks.Add(((int)col, 1 << k));
            col += 1L << k;
        }
        var cheats = new List<(string Name, (int Row, int Col, long Value)[] Entries)>();
        var usable = new List<int>();
        foreach (var (start, length) in blocks)
        {
            int col = Enumerable.Range(start, length).LastOrDefault(ZeroRow, -1);
            output.WriteLine($"  tail block [{start}, {start + length}): {(col < 0 ? "every W_0 row there holds other items: no consistent cheat" : $"cheat at column {col}")}");
            if (col < 0) continue;
            usable.Add(col);
            cheats.Add(($"padded column {col} (block [{start}, {start + length})) in row {batch - 1}", [(batch - 1, col, 5)]));
            if (!allCheats) break;
        }
        Assert.True(paddedCheat == usable.Count > 0, paddedCheat ? "no tail block has a padded column with a zero W_0 row" : "a padded-column cheat is possible: the case expects none");
        if (allCheats && usable.Count >= 2)
            cheats.Add(($"+3 at padded column {usable[0]}, −3 at {usable[1]} (two blocks) in row {batch - 1}", [(batch - 1, usable[0], 3), (batch - 1, usable[1], -3)]));
        foreach (var (name, entries) in cheats)
        {
            var padded = Enumerable.Range(0, bp).Select(r => rows[r < batch ? r : 0]).ToArray();
            var w = IntegerExecutor.RunQuantized(c, padded);
            foreach (var (row, col, value) in entries) w.Input[row * width + col] = value;
            var hc = HyperKzg.CommitSmallHiding(pk.Srs, InputCommitment.ColumnMajor(w.Input, width));
            var com = new InputCommitment(InputCommitment.FingerprintOf(pk.Srs), batch, width, vk.InputSize, hc.Commitment);
            var open = new InputOpening(com.FileDigest, batch, vk.InputSize, vk.XBytes, rows.SelectMany(r => r).ToArray(), hc.Blinding);
            InferenceProof proof;
            ZkInference.AnyInputLayoutForTests.Value = true;
            try { proof = ZkInference.Prove(pk, w, batch, new ProverTimings(), checkLookups: false, RandomNumberGenerator.Create(), new ZkPrivateInput(com, open)); }
            finally { ZkInference.AnyInputLayoutForTests.Value = false; }
            Assert.False(await ZkVerifierContractTests.BothAsync(v, vk, proof.PublicInputs.ToArray(), proof.ProofBytes.ToArray(), $"InputSize {inputSize}, B = {batch}, {name}"));
            Assert.Equal(VerificationFailure.Opening, InferenceVerifier.Verify(vk, proof).Failure);
            output.WriteLine($"  {name}: rejected by both");
        }
        if (!allCheats) return;

        // an out-of-range real column: −InputBound − 1 (else InputBound + 1) at the highest real column of the last real row; the
        // executor refuses a value whose layer-0 pre-activation leaves its proven bound (InputSize 1: one input carries it all)
        foreach (var value in new[] { -vk.InputBound - 1, vk.InputBound + 1 })
        {
            var bad = rows.Select(r => (long[])r.Clone()).ToArray();
            bad[batch - 1][inputSize - 1] = value;
            Witness wb;
            try { wb = IntegerExecutor.RunQuantized(c, Enumerable.Range(0, bp).Select(r => bad[r < batch ? r : 0]).ToArray(), checkInputRange: false); }
            catch (InvalidOperationException ex)
            {
                output.WriteLine($"  real column {inputSize - 1} at {value}: not executable ({ex.Message})");
                continue;
            }
            var (cb, ob) = InputCommitment.Commit(pk.Srs, width, vk.InputSize, vk.XBytes, bad);
            var pb = ZkInference.Prove(pk, wb, batch, new ProverTimings(), checkLookups: false, RandomNumberGenerator.Create(), new ZkPrivateInput(cb, ob));
            Assert.False(await ZkVerifierContractTests.BothAsync(v, vk, pb.PublicInputs.ToArray(), pb.ProofBytes.ToArray(), $"InputSize {inputSize}, B = {batch}, real column {inputSize - 1} of row {batch - 1} at {value}"));
            output.WriteLine($"  real column {inputSize - 1} of row {batch - 1} at {value} (bound ±{vk.InputBound}): rejected by both ({InferenceVerifier.Verify(vk, pb).Failure})");
            return;
        }
        Assert.True(inputSize == 1, "the out-of-range cheat must be executable for InputSize > 1");
    }
}
