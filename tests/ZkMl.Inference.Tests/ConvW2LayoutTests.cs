using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Lookups;

namespace ZkMl.Inference.Tests;

/// <summary>
/// A conv key's W2 puts h_t into h'_w's zero filler tail when it fits (docs/protocol.md "Witness" → W2, "Conv keys"):
/// the layout (h_t aligned, after every real lookup, inside h'_w's 2^n entries, so W2 has n variables, which is what the
/// Solidity verifier tests), dense keys unchanged, and on the LeNet example a proof that uses it verifies while every
/// LogUp word (the h_t values whose share the verifier adds), the W2 commitment and the filler hint changed is rejected.
/// </summary>
public class ConvW2LayoutTests
{
    private static readonly Lazy<(Circuit C, float[][] Images)> Lenet = new(() =>
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "lenet-mnist");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var calib = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        return (CircuitCompiler.Compile(net, calib), calib);
    });

    /// <summary>The checks every spatial layout must pass, with or without h_t in the tail.</summary>
    private static void AssertW2(BatchShape bs, string what)
    {
        var f = bs.F!;
        var w2 = bs.W2!;
        int n = f.NumVars, m = w2.LogSize(1);
        // the Solidity verifier's test N2 = n is the same as HtInFiller
        Assert.Equal(bs.HtInFiller, w2.NumVars == n);
        if (m >= n)
        {
            // a table at least as large as f: no room in h'_w's tail; as for dense keys, the larger item first (h'_w on a tie)
            Assert.False(bs.HtInFiller, what);
            Assert.Equal(m > n ? 0 : 1L << n, w2.Offset(1));
            return;
        }
        Assert.Equal(0, w2.Offset(0));
        Assert.Equal(n, w2.LogSize(0));
        Assert.Equal(0, w2.Offset(1) % (1L << m));
        // h_t never overlaps a real lookup's h'_w entry
        Assert.True(w2.Offset(1) >= f.Covered, $"{what}: h_t at {w2.Offset(1)} overlaps h'_w's {f.Covered} real entries");
        long fits = (f.Covered + (1L << m) - 1) >> m << m;
        Assert.Equal(fits + (1L << m) <= 1L << n, bs.HtInFiller);
        Assert.Equal(bs.HtInFiller ? fits : 1L << n, w2.Offset(1));
    }

    [Fact]
    public void The_LeNet_keys_W2_holds_h_t_in_the_filler_tail_at_every_batch_up_to_64()
    {
        var c = Lenet.Value.C;
        var (_, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 2);
        for (int b = 0; b <= 6; b++)
        {
            var bs = new BatchShape(vk, b);
            AssertW2(bs, $"b = {b}");
            Assert.True(bs.HtInFiller, $"b = {b}: n = {bs.F!.NumVars}, covered = {bs.F.Covered}");
            Assert.Equal(bs.F.NumVars, bs.W2!.NumVars);
        }
        // B = 64 (docs/protocol.md's figures): f has 21 variables, 1,474,560 of them real; the table 2^12; W2 2^21, not 2^22
        var b64 = new BatchShape(vk, 6);
        Assert.Equal(21, b64.F!.NumVars);
        Assert.Equal(1_474_560, b64.F.Covered);
        Assert.Equal(12, b64.W2!.LogSize(1));
        Assert.Equal(1_474_560, b64.W2.Offset(1));
        Assert.Equal(21, b64.W2.NumVars);
        Assert.Equal(21, ProofParts.OpeningVars(vk, b64));
    }

    [Fact]
    public void Small_conv_keys_pass_the_layout_checks_and_dense_keys_keep_h_t_after_h_w()
    {
        foreach (var name in TestKit.ConvNetworks.Names)
        {
            var (_, _, vk) = ConvProofTests.Setup(name);
            for (int b = 0; b <= 3; b++) AssertW2(new BatchShape(vk, b), $"{name}, b = {b}");
        }
        var (_, _, dense) = InferenceFixtures.TinySetup;
        for (int b = 0; b <= 3; b++)
        {
            var bs = new BatchShape(dense, b);
            Assert.False(bs.HtInFiller);
            // the layout without a hole, as before
            var plain = new Layout([bs.F!.NumVars, bs.W2!.LogSize(1)]);
            Assert.Equal((plain.NumVars, plain.Offset(0), plain.Offset(1)), (bs.W2.NumVars, bs.W2.Offset(0), bs.W2.Offset(1)));
        }
    }

    [Fact]
    public void A_LeNet_proof_with_h_t_in_the_tail_verifies_and_every_LogUp_word_changed_is_rejected()
    {
        var (c, images) = Lenet.Value;
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 2);
        var proof = InferenceProver.Prove(pk, images.Take(2).ToArray());
        var bs = new BatchShape(vk, 1);
        Assert.True(bs.HtInFiller);
        var ok = InferenceVerifier.Verify(vk, proof);
        Assert.True(ok.IsValid, ok.Reason);
        var bytes = proof.ProofBytes.ToArray();
        int n = bs.F!.NumVars, m = bs.W2!.LogSize(1);
        int logUpEnd = 128 + (int)LogUpProof.EncodedLength(n, m);
        // the W2 commitment (y word), every LogUp word, and the filler hint after the cols
        var words = new List<int> { 96 };
        for (int o = 128; o < logUpEnd; o += 32) words.Add(o);
        words.Add(logUpEnd + 32 * ProofParts.ColumnCount(vk));
        foreach (int o in words)
        {
            var t = (byte[])bytes.Clone();
            t[o + 31] ^= 1;
            var r = InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, proof.PublicInputs, t, proof.Flags));
            Assert.False(r.IsValid, $"word at byte {o} changed and the proof still verified");
        }
    }
}
