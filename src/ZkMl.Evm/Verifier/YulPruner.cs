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
/// The text is read with Yul's lexical rules as far as they matter here: <c>//</c> and <c>/* */</c> comments and string
/// literals are blanked, and a function's extent is found by brace depth (never by indentation), so a dropped range is always
/// exactly one top-level function definition plus the whole-line comments right above it; a declaration must start its
/// line and its closing brace must end its line (else the text is refused). A function counts as reached when its name
/// occurs as an identifier in the code (comments and strings excluded) of a reached function or of any top-level code
/// outside the functions (which is always kept): in Yul a function name can only be used to call it, so this is exactly
/// the call graph, and a misread can only keep too much. Dropping a function that is still called would make solc fail
/// with an undeclared identifier, never change what the kept code does.
/// </remarks>
internal static partial class YulPruner
{
    private sealed record Function(string Name, int First, int Last);

    /// <summary>
    /// <paramref name="yul"/> without the functions that no function in <paramref name="roots"/> reaches (transitively).
    /// </summary>
    /// <exception cref="InvalidOperationException">A root is not declared, a function is declared twice, a brace, comment or
    /// string is not closed, or a top-level function shares a line with other code.</exception>
    public static string Keep(string yul, params string[] roots)
    {
        ArgumentNullException.ThrowIfNull(yul);
        var lines = yul.Split('\n');
        var (code, lineComment) = Lex(lines);
        var functions = Functions(lines, code);
        var byName = new Dictionary<string, Function>(StringComparer.Ordinal);
        foreach (var f in functions)
            if (!byName.TryAdd(f.Name, f)) throw new InvalidOperationException($"Yul function {f.Name} is declared twice");
        var inFunction = new bool[lines.Length];
        foreach (var f in functions)
            for (int i = f.First; i <= f.Last; i++) inFunction[i] = true;

        var reached = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>();
        foreach (var r in roots)
        {
            if (!byName.ContainsKey(r)) throw new InvalidOperationException($"Yul function {r} (a root) is not declared");
            todo.Push(r);
        }
        // Code outside every function is kept, so whatever it names is reached too.
        Reach(string.Join('\n', Enumerable.Range(0, lines.Length).Where(i => !inFunction[i]).Select(i => code[i])));
        while (todo.Count > 0)
        {
            var name = todo.Pop();
            if (!reached.Add(name)) continue;
            var f = byName[name];
            Reach(string.Join('\n', code[f.First..(f.Last + 1)]));
        }

        var drop = new bool[lines.Length];
        foreach (var f in functions.Where(f => !reached.Contains(f.Name)))
        {
            for (int i = f.First; i <= f.Last; i++) drop[i] = true;
            for (int i = f.First - 1; i >= 0 && lineComment[i] && !inFunction[i]; i--) drop[i] = true;
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

        void Reach(string text)
        {
            foreach (Match m in Identifier().Matches(text))
            {
                var id = m.Value;
                if (byName.ContainsKey(id) && !reached.Contains(id)) todo.Push(id);
            }
        }
    }

    /// <summary>
    /// Each line with its comments and the contents of its string literals replaced by spaces (the quotes stay), and
    /// whether the line is a whole-line <c>//</c> comment.
    /// </summary>
    private static (string[] Code, bool[] LineComment) Lex(string[] lines)
    {
        var code = new string[lines.Length];
        var lineComment = new bool[lines.Length];
        bool inBlock = false;
        int blockLine = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            var c = new StringBuilder(l.Length);
            int k = 0;
            if (!inBlock)
            {
                var t = l.TrimStart();
                lineComment[i] = t.StartsWith("//", StringComparison.Ordinal);
            }
            while (k < l.Length)
            {
                if (inBlock)
                {
                    if (l[k] == '*' && k + 1 < l.Length && l[k + 1] == '/') { inBlock = false; c.Append("  "); k += 2; }
                    else { c.Append(' '); k++; }
                }
                else if (l[k] == '/' && k + 1 < l.Length && l[k + 1] == '/') { c.Append(' ', l.Length - k); k = l.Length; }
                else if (l[k] == '/' && k + 1 < l.Length && l[k + 1] == '*') { inBlock = true; blockLine = i; c.Append("  "); k += 2; }
                else if (l[k] is '"' or '\'')
                {
                    char q = l[k];
                    c.Append(q);
                    k++;
                    while (k < l.Length && l[k] != q)
                    {
                        int n = l[k] == '\\' ? 2 : 1;
                        c.Append(' ', Math.Min(n, l.Length - k));
                        k += n;
                    }
                    if (k >= l.Length) throw new InvalidOperationException($"line {i + 1}: a Yul string literal is not closed on its line");
                    c.Append(q);
                    k++;
                }
                else { c.Append(l[k]); k++; }
            }
            code[i] = c.ToString();
        }
        if (inBlock) throw new InvalidOperationException($"line {blockLine + 1}: a Yul /* comment is not closed");
        return (code, lineComment);
    }

    /// <summary>The top-level function definitions (brace depth 0), each from its declaration line to its closing line.</summary>
    private static List<Function> Functions(string[] lines, string[] code)
    {
        var r = new List<Function>();
        int depth = 0;
        string? open = null;   // the function being read
        int first = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var c = code[i];
            if (depth == 0 && open is null)
            {
                var d = Declaration().Match(c);
                if (d.Success)
                {
                    open = d.Groups[1].Value;
                    first = i;
                }
                else if (FunctionKeyword().IsMatch(c))
                    throw new InvalidOperationException($"line {i + 1}: cannot read the Yul function declaration '{lines[i].Trim()}' (a top-level declaration starts its line: function name(…)");
            }
            for (int k = 0; k < c.Length; k++)
            {
                if (c[k] == '{') depth++;
                else if (c[k] == '}')
                {
                    if (--depth < 0) throw new InvalidOperationException($"line {i + 1}: a '}}' closes no Yul block");
                    if (depth == 0 && open is not null)
                    {
                        if (c[(k + 1)..].Trim().Length != 0)
                            throw new InvalidOperationException($"line {i + 1}: the Yul function {open} ends in the middle of a line (code follows its closing '}}')");
                        r.Add(new Function(open, first, i));
                        open = null;
                    }
                }
            }
        }
        if (open is not null) throw new InvalidOperationException($"line {first + 1}: Yul function {open} is not closed (its braces do not balance)");
        if (depth != 0) throw new InvalidOperationException($"the Yul text's braces do not balance ({depth} '{{' left open)");
        return r;
    }

    [GeneratedRegex(@"^\s*function\s+([A-Za-z_$][A-Za-z0-9_$.]*)\s*\(")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"(?<![A-Za-z0-9_$.])function(?![A-Za-z0-9_$.])")]
    private static partial Regex FunctionKeyword();

    [GeneratedRegex(@"(?<![A-Za-z0-9_$.])[A-Za-z_$][A-Za-z0-9_$.]*")]
    private static partial Regex Identifier();
}
