// A ZkMl proof checked by the generated Solidity verifier, from C# with Nethereum.
// Run from the repository root (needs the npm tools of scripts/setup.sh: solc and anvil):
//   dotnet run --project samples/VerifyOnChain [model.json|.onnx] [input.json] [RPC-URL PRIVATE-KEY]
// Without an RPC URL it starts a local anvil on loopback and stops it at the end.
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Proofs;
using ZkMl.Inference;

string model = args.Length > 0 ? args[0] : "circuits/tiny/model.json";
string data = args.Length > 1 ? args[1] : "circuits/tiny/input.json";

// 1. Prove, as in samples/EmbedProver (INSECURE development SRS: use Srs.FromPtau for real proofs).
Network net = ModelLoader.Load(model);
float[][] samples = InputData.Load(data, net.InputSize);
Circuit circuit = CircuitCompiler.Compile(net, samples);
int maxBatch = Circuit.NextPowerOfTwo(samples.Length);
Srs srs = Srs.CreateInsecureDev((int)InferenceSetup.RequiredPowers(circuit, maxBatch) - 1, seed: 1);
var (pk, vk) = InferenceSetup.Run(circuit, srs, maxBatch);
InferenceProof proof = InferenceProver.Prove(pk, samples);

// 2. The key's Solidity verifier, compiled by the pinned solc.
string source = SolidityVerifierGenerator.Generate(vk);
CompiledContract contract = await new SolcCompiler().CompileContractAsync(
    source, SolidityVerifierGenerator.DefaultContractName, SolidityVerifierGenerator.RecommendedSettings, "Verifier.sol");

// 3. A node and a Nethereum Web3 that signs locally (anvil's first dev key when no key is given).
AnvilNode? anvil = args.Length > 2 ? null : await AnvilNode.StartAsync();
try
{
    string url = args.Length > 2 ? args[2] : anvil!.RpcUrl.ToString();
    string key = args.Length > 3 ? args[3] : "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    var web3 = new Web3(new Account(key, chainId: null), url);

    // 4. Deploy and verify with the typed service: an eth_call, nothing is mined.
    VerifierContractService verifier = await VerifierContractService.DeployContractAndGetServiceAsync(web3, new VerifierDeployment(contract));
    bool accepted = await verifier.VerifyProofQueryAsync(proof.ProofBytes.ToArray(), VerifyProofFunction.Words(proof.PublicInputs));

    // A different claimed output must be rejected.
    PublicIO io = proof.DecodePublicIO(vk);
    long[] outputs = io.Outputs.ToArray();
    outputs[0] += 1;
    var lie = VerifyProofFunction.Words(PublicIO.Create(vk, io.BatchSize, io.Inputs, outputs).Words);
    bool lieAccepted = await verifier.VerifyProofQueryAsync(proof.ProofBytes.ToArray(), lie);

    Console.WriteLine($"verifier {verifier.ContractAddress} ({contract.DeployedSize:N0} bytes) on {url}");
    Console.WriteLine($"proof of {io.BatchSize} rows: {(accepted ? "accepted" : "REJECTED")}; another output claimed: {(lieAccepted ? "ACCEPTED" : "rejected")}");
    return accepted && !lieAccepted ? 0 : 1;
}
finally
{
    anvil?.Dispose();
}
