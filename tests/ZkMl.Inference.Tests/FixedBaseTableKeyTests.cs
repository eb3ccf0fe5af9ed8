using ZkMl.Algebra;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The proving key's fixed-base table (issue 19: a key of at most 64 MiB for the MNIST MLP, or the table optional):
/// it covers the SRS powers a batch-1 proof opens (InferenceSetup.TableBases), is optional, and changes neither the
/// verifying key nor a single proof byte; keys holding a table of another length (the former whole-model table)
/// still load and prove the same bytes.
/// </summary>
public class FixedBaseTableKeyTests
{
    [Fact]
    public void Mnist_table_covers_one_model_part_is_optional_and_leaves_proofs_unchanged()
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples);
        var inputs = samples.Take(3).ToArray();

        var (on, vkOn) = InferenceSetup.Run(c, InferenceFixtures.Srs, 4, fixedBaseTable: true);
        var (off, vkOff) = InferenceSetup.Run(c, InferenceFixtures.Srs, 4, fixedBaseTable: false);
        Assert.Equal(vkOff.ToBytes(), vkOn.ToBytes());

        // 784→128→10: a model vector of 2^17 entries in four parts of 2^15; a batch of one opens 2^15 entries.
        var layers = InferenceSetup.LayerKeys(c);
        var shape = InferenceSetup.ShapeOf(c, layers);
        Assert.Equal(17, shape.ModelLayout.NumVars);
        Assert.Equal(1L << 15, InferenceSetup.TableBases(layers, shape, on.Srs.MaxDegree + 1L, 4));
        Assert.Equal(1 << 15, on.Srs.Table!.Count);
        Assert.NotNull(on.ModelFolds);
        Assert.Null(off.Srs.Table);
        Assert.Null(off.ModelFolds);

        var onBytes = on.ToBytes();
        var offBytes = off.ToBytes();
        Assert.InRange(onBytes.Length - offBytes.Length, 32L << 20, (32L << 20) + (64 << 10)); // 2^15 × 16 rows × 64 B, plus fold bases
        Assert.InRange(InferenceSetup.EstimateProvingKeyBytes(c, 4, fixedBaseTable: true) - onBytes.Length, -1024, 1024);
        Assert.InRange(InferenceSetup.EstimateProvingKeyBytes(c, 4, fixedBaseTable: false) - offBytes.Length, -1024, 1024);

        var expected = InferenceProver.Prove(off, inputs).ProofBytes;
        Assert.Equal(expected, InferenceProver.Prove(on, inputs).ProofBytes);
        var reread = ProvingKey.FromBytes(onBytes);
        Assert.Equal(1 << 15, reread.Srs.Table!.Count);
        Assert.Equal(expected, InferenceProver.Prove(reread, inputs).ProofBytes);
        Assert.Equal(expected, InferenceProver.Prove(ProvingKey.FromBytes(offBytes), inputs).ProofBytes);

        // A key with a longer table (as setup wrote before: the whole model vector; here 2^15 + 4096 powers to keep the test short) reads and proves the same.
        reread.Srs.AttachTable(FixedBaseTable.Build(reread.Srs.G1Powers[..((1 << 15) + 4096)]));
        var longer = ProvingKey.FromBytes(reread.ToBytes());
        Assert.Equal((1 << 15) + 4096, longer.Srs.Table!.Count);
        Assert.Equal(expected, InferenceProver.Prove(longer, inputs).ProofBytes);
    }

    [Fact]
    public void Mnist_table_grows_to_the_used_witness_length_of_batches_within_twice_a_part()
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var c = CircuitCompiler.Compile(net, InputData.Load(Path.Combine(dir, "input.json"), net.InputSize));
        var layers = InferenceSetup.LayerKeys(c);
        var shape = InferenceSetup.ShapeOf(c, layers);
        const long powers = 1L << 20;
        // up to 32 rows W1 and W2 stay within a model part (2^15); at 64 rows they hold 2^15 entries plus the 2^12-entry
        // multiplicities and h_t; at 128 rows 2^16 + 2^12, past twice a part, so the table stops at 64 rows' length
        Assert.Equal(1L << 15, InferenceSetup.TableBases(layers, shape, powers, 32));
        Assert.Equal((1L << 15) + (1L << 12), InferenceSetup.TableBases(layers, shape, powers, 64));
        Assert.Equal((1L << 15) + (1L << 12), InferenceSetup.TableBases(layers, shape, powers, 1024));
        Assert.Equal(1L << 14, InferenceSetup.TableBases(layers, shape, 1L << 14, 64)); // never past the SRS
        Assert.Equal(4L << 20, InferenceSetup.EstimateProvingKeyBytes(c, 64) - InferenceSetup.EstimateProvingKeyBytes(c, 32)); // 2^12 powers × 16 rows × 64 B
    }

    [Fact]
    public void Mnist_zk_table_with_a_private_input_covers_the_opened_input_of_64_rows()
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var c = CircuitCompiler.Compile(net, InputData.Load(Path.Combine(dir, "input.json"), net.InputSize), new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        var layers = InferenceSetup.LayerKeys(c);
        var shape = InferenceSetup.ShapeOf(c, layers);
        const long powers = 1L << 20;
        // the ZK batched opening's joint vector is used up to X′ (784 · Bp entries, column-major) once that passes a model
        // part: 2^15 up to 32 rows, 784 · 64 = 50,176 at 64 rows; at 128 rows 100,352, past twice a part
        Assert.Equal(1L << 15, InferenceSetup.TableBases(layers, shape, powers, 32, c));
        Assert.Equal(784L * 64, InferenceSetup.TableBases(layers, shape, powers, 64, c));
        Assert.Equal(784L * 64, InferenceSetup.TableBases(layers, shape, powers, 1024, c));
        // without the circuit (the default-mode rule) the table stops at W1's and W2's items
        Assert.Equal((1L << 15) + (1L << 12), InferenceSetup.TableBases(layers, shape, powers, 64));
        var key = InferenceSetup.EstimateProvingKeyBytes(c, 64) - InferenceSetup.EstimateProvingKeyBytes(c, 32);
        Assert.True(key >= (784L * 64 - (1L << 15)) * 16 * 64, $"the key of max batch 64 holds the longer table: {key} bytes more");
        // public inputs: the unconfined mask fills all 2^N entries of the joint vector (N = 16 at 64 rows, 17 at 128)
        var pub = CircuitCompiler.Compile(net, InputData.Load(Path.Combine(dir, "input.json"), net.InputSize), new CompileOptions { Zk = ZkSettings.PublicInputs });
        var pubLayers = InferenceSetup.LayerKeys(pub);
        var pubShape = InferenceSetup.ShapeOf(pub, pubLayers);
        Assert.Equal(1L << 15, InferenceSetup.TableBases(pubLayers, pubShape, powers, 1, pub));
        Assert.Equal(1L << 16, InferenceSetup.TableBases(pubLayers, pubShape, powers, 1024, pub));
    }
}
