using BenchmarkDotNet.Attributes;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

namespace ZkMl.Bench;

/// <summary>
/// Whole inference proofs of the MNIST MLP (circuits/mnist-mlp, 784→128→10 int8): setup, prove and
/// verify at B = 1, 16, 256 (per-stage times, sizes and peak memory: <c>zkml bench</c>).
/// Run: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*Inference*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    [Params(1, 16, 256)]
    public int Batch;

    private Circuit _circuit = null!;
    private Srs _srs = null!;
    private ProvingKey _pk = null!;
    private VerifyingKey _vk = null!;
    private float[][] _inputs = null!;
    private InferenceProof _proof = null!;

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(RepoRoot(), "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        _circuit = CircuitCompiler.Compile(net, samples);
        _srs = Srs.CreateInsecureDev((int)InferenceSetup.RequiredPowers(_circuit, Batch) - 1, seed: 1);
        (_pk, _vk) = InferenceSetup.Run(_circuit, _srs, Batch);
        _inputs = Enumerable.Range(0, Batch).Select(i => samples[i % samples.Length]).ToArray();
        _proof = InferenceProver.Prove(_pk, _inputs);
        Console.WriteLine($"// MNIST B={Batch}: proof {_proof.ProofSize} bytes, public inputs {_proof.PublicInputs.Length} bytes");
    }

    [Benchmark]
    public VerifyingKey SetupKeys() => InferenceSetup.Run(_circuit, _srs, Batch).VerifyingKey;

    [Benchmark]
    public int Prove() => InferenceProver.Prove(_pk, _inputs).ProofSize;

    [Benchmark]
    public bool Verify() => InferenceVerifier.Verify(_vk, _proof).IsValid;

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "ZkMl.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }
}
