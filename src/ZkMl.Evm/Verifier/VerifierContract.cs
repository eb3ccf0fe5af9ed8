using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using ZkMl.Evm.Solc;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// <c>verifyProof(bytes proof, uint256[] publicInputs) returns (bool)</c> of every generated verifier,
/// as a Nethereum function message: Nethereum ABI-encodes it (selector 0x1e8e1e13 and the head/tail
/// layout of the Solidity ABI) and decodes its boolean result.
/// </summary>
[Function("verifyProof", "bool")]
public sealed class VerifyProofFunction : FunctionMessage
{
    /// <summary>The proof bytes (<see cref="InferenceProof.ProofBytes"/>).</summary>
    [Parameter("bytes", "proof", 1)]
    public byte[] Proof { get; set; } = [];

    /// <summary>The packed statement words (<see cref="InferenceProof.PublicInputs"/> as 256-bit big-endian integers).</summary>
    [Parameter("uint256[]", "publicInputs", 2)]
    public List<BigInteger> PublicInputs { get; set; } = [];

    /// <summary>The message for an inference proof.</summary>
    public static VerifyProofFunction For(InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return new VerifyProofFunction { Proof = proof.ProofBytes.ToArray(), PublicInputs = Words(proof.PublicInputs) };
    }

    /// <summary>Splits packed 32-byte big-endian words into integers.</summary>
    /// <exception cref="ArgumentException">The input is not a whole number of 32-byte words.</exception>
    public static List<BigInteger> Words(ReadOnlySpan<byte> publicInputWords)
    {
        if (publicInputWords.Length % 32 != 0)
            throw new ArgumentException($"public inputs must be 32-byte words; got {publicInputWords.Length} bytes", nameof(publicInputWords));
        var words = new List<BigInteger>(publicInputWords.Length / 32);
        for (int i = 0; i < publicInputWords.Length; i += 32)
            words.Add(new BigInteger(publicInputWords.Slice(i, 32), isUnsigned: true, isBigEndian: true));
        return words;
    }
}

/// <summary>The deployment of a generated verifier (no constructor arguments): its creation bytecode from solc.</summary>
public sealed class VerifierDeployment : ContractDeploymentMessage
{
    /// <summary>A deployment whose <see cref="ContractDeploymentMessage.ByteCode"/> is set afterwards (Nethereum's handlers need this constructor).</summary>
    public VerifierDeployment() : base("") { }

    /// <summary>A deployment of <paramref name="creationBytecodeHex"/> (hex, "0x" optional).</summary>
    public VerifierDeployment(string creationBytecodeHex) : base(creationBytecodeHex) { }

    /// <summary>A deployment of a contract compiled by <see cref="SolcCompiler"/>.</summary>
    /// <exception cref="ArgumentException">The contract has no creation bytecode (an interface or abstract contract).</exception>
    public VerifierDeployment(CompiledContract contract)
        : base(EvmHex.Encode((contract ?? throw new ArgumentNullException(nameof(contract))).CreationBytecode.Length > 0
            ? contract.CreationBytecode
            : throw new ArgumentException($"{contract.Name} has no creation bytecode (an interface or abstract contract?)", nameof(contract))))
    {
    }
}

/// <summary>
/// A typed Nethereum service for a deployed ZkMl verifier, in the style of Nethereum's ERC-20 service:
/// <code>
/// var web3 = new Web3(new Account(privateKey, chainId), "http://127.0.0.1:8545");
/// var receipt = await VerifierContractService.DeployContractAndWaitForReceiptAsync(web3, new VerifierDeployment(compiled));
/// var verifier = new VerifierContractService(web3, receipt.ContractAddress);
/// bool ok = await verifier.VerifyProofQueryAsync(proof.ProofBytes.ToArray(), VerifyProofFunction.Words(proof.PublicInputs));
/// </code>
/// The query is an <c>eth_call</c>: free, nothing is mined. A verifier returns false for every rejected
/// proof; it reverts (Nethereum throws) only when a precompile call fails or the ABI encoding is broken.
/// </summary>
public sealed class VerifierContractService : ContractWeb3ServiceBase
{
    /// <summary>A service for the verifier at <paramref name="contractAddress"/>.</summary>
    public VerifierContractService(IWeb3 web3, string contractAddress) : base(web3, contractAddress) { }

    /// <summary>Deploys a verifier and waits for the receipt.</summary>
    public static Task<TransactionReceipt> DeployContractAndWaitForReceiptAsync(IWeb3 web3, VerifierDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        return web3.Eth.GetContractDeploymentHandler<VerifierDeployment>().SendRequestAndWaitForReceiptAsync(deployment, cancellationToken);
    }

    /// <summary>Deploys a verifier, waits for the receipt and returns a service for it.</summary>
    /// <exception cref="InvalidOperationException">The deployment transaction failed.</exception>
    public static async Task<VerifierContractService> DeployContractAndGetServiceAsync(IWeb3 web3, VerifierDeployment deployment, CancellationToken cancellationToken = default)
    {
        var receipt = await DeployContractAndWaitForReceiptAsync(web3, deployment, cancellationToken).ConfigureAwait(false);
        if (receipt.Status?.Value != 1 || string.IsNullOrEmpty(receipt.ContractAddress))
            throw new InvalidOperationException($"verifier deployment failed (transaction {receipt.TransactionHash}, gas used {receipt.GasUsed?.Value})");
        return new VerifierContractService(web3, receipt.ContractAddress);
    }

    /// <summary><c>verifyProof</c> by eth_call: true when the verifier accepts the proof for the statement.</summary>
    public Task<bool> VerifyProofQueryAsync(VerifyProofFunction verifyProofFunction, BlockParameter? blockParameter = null) =>
        ContractHandler.QueryAsync<VerifyProofFunction, bool>(verifyProofFunction, blockParameter);

    /// <summary><c>verifyProof</c> by eth_call on the proof bytes and the statement words.</summary>
    public Task<bool> VerifyProofQueryAsync(byte[] proof, List<BigInteger> publicInputs, BlockParameter? blockParameter = null) =>
        VerifyProofQueryAsync(new VerifyProofFunction { Proof = proof, PublicInputs = publicInputs }, blockParameter);

    /// <summary><c>verifyProof</c> by eth_call for an inference proof.</summary>
    public Task<bool> VerifyProofQueryAsync(InferenceProof proof, BlockParameter? blockParameter = null) =>
        VerifyProofQueryAsync(VerifyProofFunction.For(proof), blockParameter);

    /// <summary>Sends <c>verifyProof</c> as a transaction (e.g. to measure its gas) and waits for the receipt.</summary>
    public Task<TransactionReceipt> VerifyProofRequestAndWaitForReceiptAsync(VerifyProofFunction verifyProofFunction, CancellationToken cancellationToken = default) =>
        ContractHandler.SendRequestAndWaitForReceiptAsync(verifyProofFunction, cancellationToken);

    /// <inheritdoc />
    public override List<Type> GetAllFunctionTypes() => [typeof(VerifyProofFunction)];

    /// <inheritdoc />
    public override List<Type> GetAllEventTypes() => [];

    /// <inheritdoc />
    public override List<Type> GetAllErrorTypes() => [];
}
