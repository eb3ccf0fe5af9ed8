using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The dense-layer protocol must not prove a circuit with conv or pooling layers as if it were a chain of dense
/// layers: setup, its cost estimates and the prover refuse it with "not yet provable: conv layers".
/// </summary>
public class ConvRefusalTests
{
    private static Circuit ConvCircuit()
    {
        var rng = new Random(4);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        var geo = new Conv2dGeometry(1, 6, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        var conv = new ConvLayer(geo, Enumerable.Range(0, 18).Select(_ => R()).ToArray(), [0.1f, -0.1f], Activation.Relu, "conv");
        var pool = new PoolLayer(LayerKind.MaxPool, new Conv2dGeometry(2, 6, 6, 2, 2, 2, 2, 2, 0, 0, 0, 0), name: "pool");
        var dense = new DenseLayer(18, 3, Enumerable.Range(0, 54).Select(_ => R()).ToArray(), [0, 0, 0], Activation.None, "fc");
        var net = Network.FromStages([conv, pool, dense], "conv-net");
        return CircuitCompiler.Compile(net, InferenceFixtures.Samples(1, 8, 36));
    }

    [Fact]
    public void SetupAndItsEstimatesRefuseConvCircuits()
    {
        var c = ConvCircuit();
        foreach (var act in new Action[]
        {
            () => InferenceSetup.Run(c, InferenceFixtures.Srs, 4),
            () => InferenceSetup.RequiredPowers(c, 4),
            () => InferenceSetup.EstimateProvingKeyBytes(c, 4),
        })
        {
            var e = Assert.Throws<ArgumentException>(act);
            Assert.StartsWith("not yet provable: conv layers (layer 0 'conv' is a Conv layer", e.Message);
        }
    }

    [Fact]
    public void TheProverRefusesAKeyWhoseCircuitHasConvLayers()
    {
        // A key can only come from setup, which refuses; a key object built around such a circuit is refused too.
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var forged = new ProvingKey(vk, ConvCircuit(), pk.Srs, pk.Model);
        var e = Assert.Throws<ArgumentException>(() => InferenceProver.Prove(forged, InferenceFixtures.Samples(2, 2, 36)));
        Assert.StartsWith("not yet provable: conv layers", e.Message);
    }
}
