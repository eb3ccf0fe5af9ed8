using System.Text;
using System.Text.Json;

namespace ZkMl.Compiler.Model;

/// <summary>JSON syntax errors of model and input files in ZkMl's wording: 1-based line and column and what was found there.</summary>
internal static class JsonSyntax
{
    /// <summary>
    /// A <see cref="ModelFormatException"/> for <paramref name="e"/> raised while parsing <paramref name="text"/>:
    /// "<c>source: not valid JSON at line L, column C: unexpected 'x'</c>" (lines and columns counted from 1,
    /// columns in characters), or "… the text ends before the JSON is complete".
    /// </summary>
    public static ModelFormatException Error(string source, string text, JsonException e)
    {
        long line = e.LineNumber ?? 0, bytePos = e.BytePositionInLine ?? 0;
        // The line's text (lines end at \n, as System.Text.Json counts them), then the byte offset in characters.
        int start = 0;
        for (long l = 0; l < line && start >= 0; l++)
        {
            int nl = text.IndexOf('\n', start);
            start = nl < 0 ? -1 : nl + 1;
        }
        string found;
        long column = bytePos + 1;
        if (start < 0)
        {
            found = "the text ends before the JSON is complete";
        }
        else
        {
            int end = text.IndexOf('\n', start);
            string lineText = end < 0 ? text[start..] : text[start..end];
            byte[] utf8 = Encoding.UTF8.GetBytes(lineText);
            int at = (int)Math.Min(bytePos, utf8.Length);
            column = Encoding.UTF8.GetCharCount(utf8, 0, at) + 1;
            int ci = (int)column - 1;
            if (ci < lineText.Length)
            {
                char c = lineText[ci];
                found = char.IsControl(c) ? $"unexpected character U+{(int)c:X4}" : $"unexpected '{c}'";
            }
            else
            {
                found = end < 0 ? "the text ends before the JSON is complete" : "unexpected end of line";
            }
        }
        return new ModelFormatException($"{source}: not valid JSON at line {line + 1}, column {column}: {found}", e);
    }
}
