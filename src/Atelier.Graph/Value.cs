using System.Globalization;

namespace Atelier.Graph;

/// <summary>What a <see cref="Value"/> holds.</summary>
public enum ValueKind
{
    /// <summary>No value: an unconnected input without a parameter, or a trigger output that did not fire this step.</summary>
    Nothing,

    /// <summary>A finite double. Booleans (toggle parameters, compare results) are numbers: 1 for true, 0 for false.</summary>
    Number,

    /// <summary>An event that happened in this step (a clock tick). It carries no data and lasts one step.</summary>
    Trigger,

    /// <summary>A string (text parameters); the logger prints it and OSC out sends it as <c>s</c>.</summary>
    Text,
}

/// <summary>
/// A value flowing along an edge in one step. Control ports carry numbers, trigger ports carry a trigger in the steps
/// where they fire and <see cref="Nothing"/> otherwise. Numbers are always finite: the nodes map NaN and infinities to 0
/// so that nothing downstream (OSC, JSON) ever sees them.
/// </summary>
public readonly record struct Value
{
    private Value(ValueKind kind, double number, string? text)
    {
        Kind = kind;
        Number = number;
        Text = text;
    }

    /// <summary>What this value holds.</summary>
    public ValueKind Kind { get; }

    /// <summary>The number (0 unless <see cref="Kind"/> is <see cref="ValueKind.Number"/>).</summary>
    public double Number { get; }

    /// <summary>The text (null unless <see cref="Kind"/> is <see cref="ValueKind.Text"/>).</summary>
    public string? Text { get; }

    /// <summary>No value.</summary>
    public static Value Nothing => default;

    /// <summary>A trigger event.</summary>
    public static Value Trigger { get; } = new(ValueKind.Trigger, 0, null);

    /// <summary>A number; NaN and infinities become 0 (see the type's remarks).</summary>
    public static Value Of(double number) => new(ValueKind.Number, double.IsFinite(number) ? number : 0, null);

    /// <summary>A boolean as a number: 1 or 0.</summary>
    public static Value Of(bool flag) => new(ValueKind.Number, flag ? 1 : 0, null);

    /// <summary>A text value.</summary>
    public static Value Of(string text) => new(ValueKind.Text, 0, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>True for a number, false for anything else.</summary>
    public bool IsNumber => Kind == ValueKind.Number;

    /// <summary>The number, or <paramref name="fallback"/> when this is not a number.</summary>
    public double AsNumber(double fallback = 0) => Kind == ValueKind.Number ? Number : fallback;

    /// <summary>How the logger prints the value: numbers in invariant culture with up to 6 decimals, "trigger", the text, or "nothing".</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Number => Number.ToString("0.######", CultureInfo.InvariantCulture),
        ValueKind.Trigger => "trigger",
        ValueKind.Text => Text!,
        _ => "nothing",
    };
}
