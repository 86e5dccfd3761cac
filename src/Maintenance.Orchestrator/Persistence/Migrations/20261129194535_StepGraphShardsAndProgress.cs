using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Maintenance.Orchestrator.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StepGraphShardsAndProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "current_step",
                table: "maintenance_runs");

            migrationBuilder.AddColumn<string>(
                name: "shards",
                table: "maintenance_step_runs",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<bool>(
                name: "force_clear_caches",
                table: "maintenance_runs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // One state per step gave way to one Running state: an attempt that was mid-run carries on from its step rows.
            migrationBuilder.Sql("UPDATE maintenance_runs SET current_state = 'Running' WHERE current_state NOT IN ('Initial', 'Final', 'Completed', 'CompletedWithErrors', 'Failed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "shards",
                table: "maintenance_step_runs");

            migrationBuilder.DropColumn(
                name: "force_clear_caches",
                table: "maintenance_runs");

            migrationBuilder.AddColumn<string>(
                name: "current_step",
                table: "maintenance_runs",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);
        }
    }
}
