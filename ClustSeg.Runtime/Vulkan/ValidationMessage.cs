namespace ClustSeg.Runtime.Vulkan;

/// <summary>Severity of a validation-layer message.</summary>
public enum ValidationSeverity
{
    /// <summary>Diagnostic chatter.</summary>
    Verbose,
    /// <summary>Informational.</summary>
    Info,
    /// <summary>Possible misuse or performance problem.</summary>
    Warning,
    /// <summary>A violation of the Vulkan specification.</summary>
    Error,
}

/// <summary>One message from the Khronos validation layer.</summary>
/// <param name="Severity">How serious it is.</param>
/// <param name="MessageId">The layer's VUID or message name.</param>
/// <param name="Text">The full message.</param>
public readonly record struct ValidationMessage(ValidationSeverity Severity, string MessageId, string Text)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Severity}] {MessageId}: {Text}";
}
