using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Channel.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OnboardingAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OnboardingAudit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    HelpdeskAccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Event = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnboardingAudit", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OnboardingAudit_AccountId_OccurredAt",
                table: "OnboardingAudit",
                columns: new[] { "AccountId", "OccurredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OnboardingAudit");
        }
    }
}
