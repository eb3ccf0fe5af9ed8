using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>Circuits, keys and proofs shared by the inference tests (made once per test run).</summary>
internal static class InferenceFixtures
{
    private static readonly Lazy<Srs> DevSrs = new(() => Srs.CreateInsecureDev((1 << 18) - 1, 7));

    /// <summary>An INSECURE development SRS with 2^18 powers (fixed seed).</summary>
    public static Srs Srs => DevSrs.Value;

    public static Network Tiny() => ModelLoader.Load(Path.Combine(TestKit.RepoPaths.Root, "circuits", "tiny", "model.json"));

    public static float[][] TinyInputs() => InputData.Load(Path.Combine(TestKit.RepoPaths.Root, "circuits", "tiny", "input.json"), 4);

    private static readonly Lazy<(Circuit, ProvingKey, VerifyingKey)> TinyKeys = new(() =>
    {
        var c = CircuitCompiler.Compile(Tiny(), TinyInputs());
        var (pk, vk) = InferenceSetup.Run(c, Srs, 64);
        return (c, pk, vk);
    });

    public static (Circuit Circuit, ProvingKey Pk, VerifyingKey Vk) TinySetup => TinyKeys.Value;

    public static Network Random(int seed, int[] sizes, Activation[] acts) => TestKit.TestNetworks.Random(seed, sizes, acts);

    public static float[][] Samples(int seed, int count, int n) => TestKit.TestNetworks.Samples(seed, count, n);
}
