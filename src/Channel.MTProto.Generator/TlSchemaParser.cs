using System;
using System.Collections.Generic;
using System.Globalization;

namespace Channel.MTProto.Generator;

/// <summary>
/// Parses the text form of a TL schema (one combinator per line, <c>---functions---</c> / <c>---types---</c>
/// section markers, <c>//</c> comments). Pure: string in, model out, so tests can feed it small fragments.
/// </summary>
/// <remarks>
/// Lines without an explicit <c>#id</c> (the TLS hello description in mtproto.tl) and the built-in
/// <c>vector</c> declaration are skipped: the first are not wire objects, the second is handled by the runtime.
/// </remarks>
internal static class TlSchemaParser
{
    private const string LayerPrefix = "// LAYER ";

    public static TlSchemaModel Parse(string text)
    {
        var combinators = new List<TlCombinator>();
        var errors = new List<TlSchemaError>();
        int? layer = null;
        var isFunction = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim();
            if (line.StartsWith(LayerPrefix, StringComparison.Ordinal)
                && int.TryParse(line.Substring(LayerPrefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLayer))
            {
                layer = parsedLayer;
                continue;
            }

            var comment = line.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0)
            {
                line = line.Substring(0, comment).Trim();
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line == "---functions---")
            {
                isFunction = true;
                continue;
            }

            if (line == "---types---")
            {
                isFunction = false;
                continue;
            }

            var combinator = ParseLine(line, isFunction, lineNumber, errors);
            if (combinator is not null)
            {
                combinators.Add(combinator);
            }
        }

        return new TlSchemaModel(layer, combinators, errors);
    }

    private static TlCombinator? ParseLine(string line, bool isFunction, int lineNumber, List<TlSchemaError> errors)
    {
        if (!line.EndsWith(";", StringComparison.Ordinal))
        {
            errors.Add(new TlSchemaError(lineNumber, "a definition must end with ';'"));
            return null;
        }

        line = line.Substring(0, line.Length - 1);
        var equals = line.LastIndexOf(" = ", StringComparison.Ordinal);
        if (equals < 0)
        {
            errors.Add(new TlSchemaError(lineNumber, "a definition needs ' = ResultType'"));
            return null;
        }

        var left = line.Substring(0, equals).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var resultText = line.Substring(equals + 3).Trim();
        var head = left[0];
        var hash = head.IndexOf('#');
        if (hash < 0)
        {
            return null; // no constructor id: not a wire object (TLS hello description).
        }

        var name = head.Substring(0, hash);
        if (name == "vector")
        {
            return null; // the built-in generic vector; the runtime reads and writes it.
        }

        if (!uint.TryParse(head.Substring(hash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            errors.Add(new TlSchemaError(lineNumber, "bad constructor id in '" + head + "'"));
            return null;
        }

        string? generic = null;
        var parameters = new List<TlParam>();
        for (var t = 1; t < left.Length; t++)
        {
            var token = left[t];
            if (token.StartsWith("{", StringComparison.Ordinal))
            {
                var inner = token.Trim('{', '}');
                var colon = inner.IndexOf(':');
                if (colon < 0 || inner.Substring(colon + 1) != "Type")
                {
                    errors.Add(new TlSchemaError(lineNumber, "unsupported type parameter '" + token + "'"));
                    return null;
                }

                generic = inner.Substring(0, colon);
                continue;
            }

            var param = ParseParam(token, lineNumber, errors);
            if (param is null)
            {
                return null;
            }

            parameters.Add(param);
        }

        var result = ParseType(resultText, lineNumber, errors);
        return result is null ? null : new TlCombinator(name, id, isFunction, generic, parameters, result, lineNumber);
    }

    private static TlParam? ParseParam(string token, int lineNumber, List<TlSchemaError> errors)
    {
        var colon = token.IndexOf(':');
        if (colon <= 0)
        {
            errors.Add(new TlSchemaError(lineNumber, "a field must be 'name:type', got '" + token + "'"));
            return null;
        }

        var name = token.Substring(0, colon);
        var typeText = token.Substring(colon + 1);
        if (typeText == "#")
        {
            return new TlParam(name, null, isFlagsField: true, conditionField: null, conditionBit: 0);
        }

        string? conditionField = null;
        var conditionBit = 0;
        var question = typeText.IndexOf('?');
        if (question >= 0)
        {
            var condition = typeText.Substring(0, question);
            var dot = condition.IndexOf('.');
            if (dot <= 0 || !int.TryParse(condition.Substring(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out conditionBit)
                || conditionBit > 31)
            {
                errors.Add(new TlSchemaError(lineNumber, "bad condition '" + condition + "'"));
                return null;
            }

            conditionField = condition.Substring(0, dot);
            typeText = typeText.Substring(question + 1);
        }

        var type = ParseType(typeText, lineNumber, errors);
        return type is null ? null : new TlParam(name, type, isFlagsField: false, conditionField, conditionBit);
    }

    private static TlTypeRef? ParseType(string text, int lineNumber, List<TlSchemaError> errors)
    {
        if (text.Length == 0)
        {
            errors.Add(new TlSchemaError(lineNumber, "empty type"));
            return null;
        }

        if (text[0] == '!')
        {
            return new TlTypeRef(text.Substring(1), null, percentBare: false, isGenericQuery: true);
        }

        var percent = text[0] == '%';
        if (percent)
        {
            text = text.Substring(1);
        }

        var lt = text.IndexOf('<');
        if (lt < 0)
        {
            return new TlTypeRef(text, null, percent, isGenericQuery: false);
        }

        if (!text.EndsWith(">", StringComparison.Ordinal))
        {
            errors.Add(new TlSchemaError(lineNumber, "unbalanced '<' in '" + text + "'"));
            return null;
        }

        var argument = ParseType(text.Substring(lt + 1, text.Length - lt - 2), lineNumber, errors);
        return argument is null ? null : new TlTypeRef(text.Substring(0, lt), argument, percent, isGenericQuery: false);
    }
}
