using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Channel.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MediaUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MediaKind",
                table: "OutboundMessages",
                type: "TEXT",
                unicode: false,
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "MediaUploadId",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MediaUploads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    MimeType = table.Column<string>(type: "TEXT", unicode: false, maxLength: 127, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MediaUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MediaUploads_TelegramAccounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "TelegramAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MediaUploads_AccountId",
                table: "MediaUploads",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_MediaUploads_CreatedAt",
                table: "MediaUploads",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MediaUploads");

            migrationBuilder.DropColumn(
                name: "MediaKind",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "MediaUploadId",
                table: "OutboundMessages");
        }
    }
}
