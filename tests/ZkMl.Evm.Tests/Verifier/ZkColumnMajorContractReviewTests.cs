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
/// Review (session 21) of the column-major private input on chain (docs/protocol.md "ZK mode: the column-major private input",
/// item (5)): the generated verifier must give the C# verifier's verdict at Bp &gt; 1, where the column-major X′ differs from
/// the row-major one — honest proofs (range check on and off), a forced non-zero padded column in the last row, and a tail
/// that cancels under block-local weights (a at column 11, −a at columns 13 and 15 of one row: a·z − a·z·((1 − z′) + z′) ≡ 0
/// block by block), which only a tail claim at one point over all n_in coordinates rejects.
/// These failed on h-zkcol 761a4d9 (the generator still followed the row-major protocol: honest proofs were accepted by C# and
/// rejected by the contract); they are the acceptance test of item (5) and pass since session 22 (zkcol5).
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class ZkColumnMajorContractReviewTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, 2)]
    [InlineData(true, 4)]
    [InlineData(false, 2)]
    public async Task Column_major_private_proofs_and_forced_tails_get_the_same_verdict_in_CSharp_and_on_chain(bool on, int batch)
    {
        var net = TestNetworks.Random(91, [9, 64, 8], [Activation.Relu, Activation.None]);
        var samples = TestNetworks.Samples(92, 8, 9);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs(rangeCheck: on) });
        var z = InferenceSetup.RunZk(c, ExampleCircuits.Srs, 4);
        var vk = z.VerifyingKey;
        var pk = z.ProvingKey;
        var source = SolidityVerifierGenerator.Generate(vk, "ZkVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ZkVerifier", SolidityVerifierGenerator.SettingsFor(vk), "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);

        var rows = samples.Take(batch).Select(s => c.QuantizeInput(s)).ToArray();
        var honest = InferenceProver.ProvePrivate(pk, rows).Proof;
        Assert.True(await ZkVerifierContractTests.BothAsync(v, vk, honest.PublicInputs.ToArray(), honest.ProofBytes.ToArray(), $"honest proof, B = {batch}"));
        if (!on) return;

        int width = 1 << vk.Layers[0].InVars, cols = 1 << vk.Layers[0].OutVars;
        long w0 = vk.Shape.ModelLayout.Offset(KeyShape.WeightItem(0));
        bool ZeroRow(int k) => pk.Model.AsSpan((int)(w0 + (long)k * cols), cols).IndexOfAnyExcept(0L) < 0;
        (string Name, (int Col, long Value)[] Entries)[] cheats =
        [
            ("one entry at column 15", [(15, 5)]),
            ("block-locally cancelling: +a at 11, −a at 13 and 15", [(11, 7), (13, -7), (15, -7)]),
        ];
        foreach (var (name, entries) in cheats)
        {
            Assert.True(entries.All(e => ZeroRow(e.Col)), $"{name}: the test model's weight rows there are expected to be zero");
            var w = IntegerExecutor.RunQuantized(c, rows);
            foreach (var (col, value) in entries) w.Input[(batch - 1) * width + col] = value;
            var hc = HyperKzg.CommitSmallHiding(pk.Srs, InputCommitment.ColumnMajor(w.Input, width));
            var com = new InputCommitment(InputCommitment.FingerprintOf(pk.Srs), batch, width, vk.InputSize, hc.Commitment);
            var open = new InputOpening(com.FileDigest, batch, vk.InputSize, vk.XBytes, rows.SelectMany(r => r).ToArray(), hc.Blinding);
            InferenceProof proof;
            ZkInference.AnyInputLayoutForTests.Value = true;
            try { proof = ZkInference.Prove(pk, w, batch, new ProverTimings(), checkLookups: false, RandomNumberGenerator.Create(), new ZkPrivateInput(com, open)); }
            finally { ZkInference.AnyInputLayoutForTests.Value = false; }
            Assert.False(await ZkVerifierContractTests.BothAsync(v, vk, proof.PublicInputs.ToArray(), proof.ProofBytes.ToArray(), $"B = {batch}, {name}"));
            Assert.Equal(VerificationFailure.Opening, InferenceVerifier.Verify(vk, proof).Failure);
            output.WriteLine($"B = {batch}, {name}: rejected by both");
        }
    }
}
