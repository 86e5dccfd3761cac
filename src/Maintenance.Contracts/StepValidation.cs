namespace Maintenance.Contracts;

/// <summary>A task's own verdict on its output.</summary>
/// <param name="Passed">True when every check held.</param>
/// <param name="Verdict">One line a person reads: what was checked and against which threshold.</param>
public sealed record StepValidation(bool Passed, string Verdict);
