using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The example circuits with keys from the deterministic development SRS the committed verifiers
/// under verifier-contracts/ are made from (INSECURE: τ from a fixed seed).
/// </summary>
public static class ExampleCircuits
{
    /// <summary>SRS size and seed of the committed verifiers.</summary>
    public const int SrsMaxDegree = (1 << 18) - 1, SrsSeed = 7, MaxBatch = 16;

    private static readonly Lazy<Srs> DevSrs = new(() => Srs.CreateInsecureDev(SrsMaxDegree, SrsSeed));

    public static Srs Srs => DevSrs.Value;

    public sealed record Example(string Name, string ContractName, Network Network, float[][] Samples, Circuit Circuit, ProvingKey Pk, VerifyingKey Vk);

    private static Example Make(string name, string contract, string modelFile, Func<Network, Network>? edit = null)
    {
        string dir = Path.Combine(RepoPaths.Root, "circuits", name);
        var net = ModelLoader.Load(Path.Combine(dir, modelFile));
        if (edit != null) net = edit(net);
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, Srs, MaxBatch);
        return new Example(name, contract, net, samples, c, pk, vk);
    }

    private static readonly Lazy<Example> TinyLazy = new(() => Make("tiny", "TinyVerifier", "model.json"));
    private static readonly Lazy<Example> MnistLazy = new(() => Make("mnist-mlp", "MnistMlpVerifier", "model.onnx"));

    /// <summary>
    /// The MNIST MLP in zero-knowledge mode with private inputs and the input range check (the compile defaults of
    /// <c>zkml compile --zk --input-visibility private</c>, as <c>zkml demo --zk</c>), its part blindings from a fixed seed so
    /// that the committed verifier is reproducible. An example only: with a known seed the key hides nothing about the model.
    /// </summary>
    private static readonly Lazy<Example> MnistZkLazy = new(() =>
    {
        string dir = Path.Combine(RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        var z = InferenceSetup.RunZk(c, Srs, MaxBatch, ptauVerified: false, fixedBaseTable: true, SrsProvenance.Pins, new SeededRng(ZkSeed));
        return new Example("mnist-mlp-zk", "MnistMlpZkVerifier", net, samples, c, z.ProvingKey, z.VerifyingKey);
    });

    /// <summary>The seed of the committed ZK example's part blindings.</summary>
    public const int ZkSeed = 17;

    public static Example Tiny => TinyLazy.Value;

    /// <summary>The MNIST MLP's ZK example (private inputs, input range check on); see <see cref="MnistZkLazy"/>.</summary>
    public static Example MnistZk => MnistZkLazy.Value;

    public static Example Mnist => MnistLazy.Value;

    /// <summary>The example with one weight of the first layer changed (another model).</summary>
    public static Example WithOneWeightChanged(Example e) => Make(e.Name, e.ContractName, "model" + (e.Name == "tiny" ? ".json" : ".onnx"), net =>
    {
        var layers = net.Layers.ToList();
        var l0 = layers[0];
        var w = l0.Weights.ToArray();
        w[0] += 0.25f;
        layers[0] = new DenseLayer(l0.InputSize, l0.OutputSize, w, l0.Bias, l0.Activation, "changed");
        return new Network(layers, net.Name);
    });

    /// <summary>The committed verifier's path, relative to the repository root.</summary>
    public static string CommittedPath(Example e) => Path.Combine("verifier-contracts", e.Name, "Verifier.sol");
}
