using System.Text;
using System.Text.RegularExpressions;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// Keeps the Yul functions that a root function reaches and drops the rest, with the comment lines right above each dropped
/// function. solc's legacy code generator keeps unused functions of a large inline-assembly block (measured: an empty
/// <c>verify</c> of the LeNet verifier still compiled to 16 kB), so each contract of a split verifier is given only the
/// functions it calls.
/// </summary>
/// <remarks>
/// The text follows the generator's layout: every function is declared at <see cref="Indent"/> spaces, either on one line
/// with balanced braces or closed by a line that is exactly that indentation and <c>}</c>. A call is a name followed by
/// <c>(</c> outside comments; a name mentioned only in a comment or string keeps nothing.
/// </remarks>
internal static partial class YulPruner
{
    /// <summary>The indentation of the function declarations (the core's and the generator's).</summary>
    public const int Indent = 12;

    private sealed record Function(string Name, int First, int Last);

    /// <summary>
    /// <paramref name="yul"/> without the functions that no function in <paramref name="roots"/> reaches (transitively).
    /// </summary>
    /// <exception cref="InvalidOperationException">A root is not declared, or a function is not closed at its indentation.</exception>
    public static string Keep(string yul, params string[] roots)
    {
        ArgumentNullException.ThrowIfNull(yul);
        var lines = yul.Split('\n');
        var functions = Functions(lines);
        var byName = new Dictionary<string, Function>(StringComparer.Ordinal);
        foreach (var f in functions)
            if (!byName.TryAdd(f.Name, f)) throw new InvalidOperationException($"Yul function {f.Name} is declared twice");
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>();
        foreach (var r in roots)
        {
            if (!byName.ContainsKey(r)) throw new InvalidOperationException($"Yul function {r} (a root) is not declared");
            todo.Push(r);
        }
        while (todo.Count > 0)
        {
            var name = todo.Pop();
            if (!reached.Add(name)) continue;
            var f = byName[name];
            for (int i = f.First; i <= f.Last; i++)
            {
                var code = StripComment(i == f.First ? lines[i][(lines[i].IndexOf('(') + 1)..] : lines[i]);
                foreach (Match m in Call().Matches(code))
                    if (byName.ContainsKey(m.Groups[1].Value) && !reached.Contains(m.Groups[1].Value)) todo.Push(m.Groups[1].Value);
            }
        }
        var drop = new bool[lines.Length];
        foreach (var f in functions.Where(f => !reached.Contains(f.Name)))
        {
            for (int i = f.First; i <= f.Last; i++) drop[i] = true;
            for (int i = f.First - 1; i >= 0 && IsComment(lines[i]); i--) drop[i] = true;
        }
        var s = new StringBuilder(yul.Length);
        bool blank = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (drop[i]) continue;
            bool isBlank = lines[i].Length == 0;
            if (isBlank && blank) continue;   // no runs of blank lines where functions were dropped
            blank = isBlank;
            if (s.Length > 0) s.Append('\n');
            s.Append(lines[i]);
        }
        return s.ToString();
    }

    private static List<Function> Functions(string[] lines)
    {
        string head = new string(' ', Indent) + "function ";
        string close = new string(' ', Indent) + "}";
        var r = new List<Function>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(head, StringComparison.Ordinal)) continue;
            var m = Declaration().Match(lines[i], head.Length);
            if (!m.Success) throw new InvalidOperationException($"line {i + 1}: cannot read the Yul function declaration '{lines[i].Trim()}'");
            string code = StripComment(lines[i]);
            if (code.Count(ch => ch == '{') == code.Count(ch => ch == '}') && code.Contains('{', StringComparison.Ordinal))
            {
                r.Add(new Function(m.Groups[1].Value, i, i));
                continue;
            }
            int j = i + 1;
            while (j < lines.Length && lines[j].TrimEnd() != close) j++;
            if (j == lines.Length) throw new InvalidOperationException($"line {i + 1}: Yul function {m.Groups[1].Value} is not closed by '}}' at {Indent} spaces");
            r.Add(new Function(m.Groups[1].Value, i, j));
            i = j;
        }
        return r;
    }

    private static bool IsComment(string line) => line.StartsWith(new string(' ', Indent) + "//", StringComparison.Ordinal);

    private static string StripComment(string line)
    {
        int k = line.IndexOf("//", StringComparison.Ordinal);
        return k < 0 ? line : line[..k];
    }

    [GeneratedRegex(@"\G([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex Call();
}
