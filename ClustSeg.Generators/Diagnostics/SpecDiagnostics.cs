using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the layer spec generator reports. IDs are stable (listed in AnalyzerReleases.*.md):
/// CSEG1xxx syntax, CSEG2xxx names and types, CSEG3xxx shapes found by elaborating a model, CSEG4xxx unused parts.
/// </summary>
internal static class SpecDiagnostics
{
    private const string Category = "ClustSeg.Spec";

    public static readonly DiagnosticDescriptor UnexpectedCharacter = Error("CSEG1001", "Unexpected character",
        "Unexpected character '{0}' in the layer spec; names use letters, digits and '_', comments start with '#'");

    public static readonly DiagnosticDescriptor UnexpectedToken = Error("CSEG1002", "Syntax error",
        "Expected {0} but found {1}");

    public static readonly DiagnosticDescriptor InvalidNumber = Error("CSEG1003", "Invalid number",
        "'{0}' is not a valid number");

    public static readonly DiagnosticDescriptor ForwardSection = Error("CSEG1004", "Forward section missing or repeated",
        "Block '{0}' {1}");

    public static readonly DiagnosticDescriptor UnknownName = Error("CSEG2001", "Unknown name",
        "Unknown name '{0}'{1}");

    public static readonly DiagnosticDescriptor UnknownLayer = Error("CSEG2002", "Unknown layer or block",
        "Unknown layer or block '{0}'{1}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("CSEG2003", "Duplicate name",
        "'{0}' is already defined {1}");

    public static readonly DiagnosticDescriptor WrongArity = Error("CSEG2004", "Wrong number of arguments",
        "'{0}' takes {1}, but {2} given");

    public static readonly DiagnosticDescriptor UnknownArgument = Error("CSEG2005", "Unknown argument",
        "'{0}' has no parameter named '{1}'{2}");

    public static readonly DiagnosticDescriptor MissingArgument = Error("CSEG2006", "Missing argument",
        "'{0}' needs a value for '{1}'");

    public static readonly DiagnosticDescriptor TypeMismatch = Error("CSEG2007", "Wrong type",
        "{0} must be {1}, but it is {2}");

    public static readonly DiagnosticDescriptor DuplicateArgument = Error("CSEG2008", "Argument given twice",
        "Argument '{0}' of '{1}' is given more than once");

    public static readonly DiagnosticDescriptor LayerNeedsName = Error("CSEG2009", "Layer with weights used inline",
        "'{0}' has learned parameters, so declare it as a named layer ('name = {0}(...)') and call it by that name");

    public static readonly DiagnosticDescriptor NotAllowedHere = Error("CSEG2010", "Not allowed here",
        "{0}");

    public static readonly DiagnosticDescriptor UsedBeforeAssigned = Error("CSEG2011", "Used before assignment",
        "'{0}' is used before it is assigned");

    public static readonly DiagnosticDescriptor OutputNotAssigned = Error("CSEG2012", "Output never assigned",
        "Output '{0}' of '{1}' is never assigned in forward");

    public static readonly DiagnosticDescriptor OutputCountMismatch = Error("CSEG2013", "Output count mismatch",
        "'{0}' returns {1}, but {2} assigned");

    public static readonly DiagnosticDescriptor CompositionCycle = Error("CSEG2014", "Block contains itself",
        "Block '{0}' contains itself: {1}");

    public static readonly DiagnosticDescriptor NotCallable = Error("CSEG2015", "Not callable",
        "'{0}' is {1} and cannot be called");

    public static readonly DiagnosticDescriptor IndexCount = Error("CSEG2016", "Wrong number of indices",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor ReservedName = Error("CSEG2017", "Reserved name",
        "'{0}' clashes with {1} in the generated C#; rename it");

    public static readonly DiagnosticDescriptor DuplicateBlock = Error("CSEG2018", "Block defined twice",
        "Block '{0}' is defined more than once (also in {1})");

    public static readonly DiagnosticDescriptor ShapeRequired = Error("CSEG2019", "Model input needs a shape",
        "Input '{0}' of model '{1}' needs a shape, e.g. '{0}: [B, 3, 32*H, 32*W]'");

    public static readonly DiagnosticDescriptor UnknownInit = Error("CSEG2020", "Unknown initialisation",
        "Unknown initialisation '{0}'{1}; use default, zeros, ones, uniform(a, b), normal(mean, std), kaiming_normal or xavier_uniform");

    public static readonly DiagnosticDescriptor InitArity = Error("CSEG2021", "Wrong number of initialisation arguments",
        "Initialisation '{0}' takes {1}, but {2} given");

    public static readonly DiagnosticDescriptor InitWithoutParameter = Error("CSEG2022", "Initialisation of a missing parameter",
        "'{0}' has no parameter '{1}' to initialise{2}");

    public static readonly DiagnosticDescriptor ChannelMismatch = Error("CSEG3001", "Channel mismatch",
        "Channel mismatch: {0}{1}");

    public static readonly DiagnosticDescriptor ShapeMismatch = Error("CSEG3002", "Shape mismatch",
        "Shape mismatch: {0}{1}");

    public static readonly DiagnosticDescriptor RankMismatch = Error("CSEG3003", "Rank mismatch",
        "Rank mismatch: {0}{1}");

    public static readonly DiagnosticDescriptor NotDivisible = Error("CSEG3004", "Not divisible",
        "{0}{1}");

    public static readonly DiagnosticDescriptor InvalidValue = Error("CSEG3005", "Invalid value",
        "Invalid value: {0}{1}");

    public static readonly DiagnosticDescriptor IndexOutOfRange = Error("CSEG3006", "Index out of range",
        "Index out of range: {0}{1}");

    public static readonly DiagnosticDescriptor AbsentLayer = Error("CSEG3007", "Layer absent in this configuration",
        "'{0}' is used, but it is declared only when {1}, which is false here{2}");

    public static readonly DiagnosticDescriptor NotAssignedOnPath = Error("CSEG3008", "Value not assigned in this configuration",
        "'{0}' is not assigned before this use in this configuration{1}");

    public static readonly DiagnosticDescriptor InputShapeMismatch = Error("CSEG3009", "Input does not match declared shape",
        "Input '{0}' of '{1}' is declared as {2} but receives {3}{4}");

    public static readonly DiagnosticDescriptor UnusedLayer = Warning("CSEG4001", "Unused layer",
        "Layer '{0}' is declared but never called in forward");

    public static readonly DiagnosticDescriptor UnusedValue = Warning("CSEG4002", "Unused value",
        "Value '{0}' is computed but never used");

    public static readonly DiagnosticDescriptor UnusedParameter = Warning("CSEG4003", "Unused parameter",
        "{0} '{1}' of '{2}' is never used");

    public static readonly DiagnosticDescriptor UnusedInput = Warning("CSEG4004", "Unused input",
        "Input '{0}' of '{1}' is never used");

    public static readonly DiagnosticDescriptor UnusedBlock = new("CSEG4005", "Unused block",
        "Block '{0}' is not used by any model", Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    private static readonly Dictionary<string, DiagnosticDescriptor> All = typeof(SpecDiagnostics)
        .GetFields()
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null))
        .ToDictionary(descriptor => descriptor.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
