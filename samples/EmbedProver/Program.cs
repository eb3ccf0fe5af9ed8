// Embeds the ZkMl prover: compile a float model, set up keys, prove a batch, verify the proof.
// Run from the repository root: dotnet run --project samples/EmbedProver [model.json|.onnx] [input.json]
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

string model = args.Length > 0 ? args[0] : "circuits/tiny/model.json";
string data = args.Length > 1 ? args[1] : "circuits/tiny/input.json";

Network net = ModelLoader.Load(model);                          // float dense network (ONNX or JSON)
float[][] samples = InputData.Load(data, net.InputSize);         // EZKL input.json: one row per sample
Circuit circuit = CircuitCompiler.Compile(net, samples);         // int8, calibrated on the samples

int maxBatch = Circuit.NextPowerOfTwo(samples.Length);
long powers = InferenceSetup.RequiredPowers(circuit, maxBatch);
Srs srs = Srs.CreateInsecureDev((int)powers - 1);                // INSECURE (vk.IsInsecure): use Srs.FromPtau for real proofs
var (pk, vk) = InferenceSetup.Run(circuit, srs, maxBatch);

var timings = new ProverTimings();
InferenceProof proof = InferenceProver.Prove(pk, samples, timings);
VerificationResult result = InferenceVerifier.Verify(vk, proof);

PublicIO io = proof.DecodePublicIO(vk);                          // the proven statement: inputs and logits
for (int b = 0; b < io.BatchSize; b++)
    Console.WriteLine($"row {b}: outputs [{string.Join(", ", circuit.DequantizeOutput(io.OutputRow(b)).Select(v => v.ToString("F3")))}]");
Console.WriteLine($"{srs.Description}");
Console.WriteLine($"proof {proof.ProofSize} bytes, proved in {timings.Total.TotalSeconds:F2} s: {(result.IsValid ? "verified" : "REJECTED: " + result.Reason)}");
return result.IsValid ? 0 : 1;
