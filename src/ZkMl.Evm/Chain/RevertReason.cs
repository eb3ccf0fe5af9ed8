using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace ZkMl.Evm.Chain;

/// <summary>Readable reasons from revert data, decoded with Nethereum's ABI decoder.</summary>
public static class RevertReason
{
    /// <summary>Solidity's <c>Panic(uint256)</c> (overflow 0x11, division by zero 0x12, …).</summary>
    [Error("Panic")]
    public sealed class PanicError
    {
        /// <summary>The panic code.</summary>
        [Parameter("uint256", "code", 1)]
        public BigInteger Code { get; set; }
    }

    /// <summary>
    /// The message of <c>Error(string)</c>, "Panic(0x11)" for <c>Panic(uint256)</c>, "custom error 0x…"
    /// for other revert data, null for none.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> revertData)
    {
        if (revertData.IsEmpty) return null;
        string hex = EvmHex.Encode(revertData);
        var decoder = new FunctionCallDecoder();
        try
        {
            // Nethereum's Error(string) decoder is lenient (truncated data gives ""): require the offset and length words and the text.
            if (ErrorFunction.IsErrorData(hex) && revertData.Length >= 4 + 64
                && decoder.DecodeFunctionErrorMessage(hex) is { } message
                && System.Text.Encoding.UTF8.GetByteCount(message) <= revertData.Length - 4 - 64)
                return message;
            var panic = ABITypedRegistry.GetError<PanicError>();
            if (decoder.IsDataForError(panic, hex))
                return $"Panic(0x{((PanicError)decoder.DecodeError(typeof(PanicError), "0x" + hex[10..])).Code:x2})"; // DecodeError reads the data after the selector
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            // malformed Error/Panic payload: fall through to the raw form
        }
        return "custom error " + hex;
    }
}
