namespace Maintenance.Host;

/// <summary>A setting that makes the process unable to do its work; the command ends at once with the message.</summary>
public sealed class MaintenanceSettingsException(string message) : InvalidOperationException(message);
