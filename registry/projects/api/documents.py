"""The documents of projects and monitoring reports: list and attach (multipart `kind`,
`file`), and download, streamed as an attachment once its stored hash is checked."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import parsed
from core.parsers import FileUploadMultiPartParser
from registry.projects import selectors
from registry.projects.models import Document, DocumentKind
from registry.projects.services import documents


class DocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "filename",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "superseded_by",
            "download",
        ]

    def get_download(self, document: Document) -> str:
        path = reverse("document-download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    # Empty files and bad names get the service's messages, like every other refusal.
    file = serializers.FileField(allow_empty_file=True, use_url=False)


class _DocumentsView(generics.GenericAPIView):
    """GET lists the object's documents the caller may see (superseded ones too, each naming
    its successor); POST attaches one. The object itself is a 404 to whoever may not see it."""

    serializer_class = DocumentSerializer
    parser_classes = [FileUploadMultiPartParser, FormParser]
    # core.middleware.RequestBodyLimitMiddleware: bodies up to this setting's bytes, not 1 MB.
    request_body_limit_setting = "DOCUMENT_MAX_BYTES"

    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return super().get_permissions()

    def subject(self):
        raise NotImplementedError

    def documents_of(self, subject):
        raise NotImplementedError

    def get(self, request: Request, pk: int) -> Response:
        rows = self.documents_of(self.subject()).select_related(None)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def attach(self, request: Request, **target) -> Response:
        data = parsed(DocumentInputSerializer, request)
        upload = data["file"]
        try:
            document = documents.attach_document(
                actor=request.user,
                kind=data["kind"],
                file=upload,
                filename=upload.name,
                size=upload.size,
                **target,
            )
        finally:
            upload.close()
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class ProjectDocumentsView(_DocumentsView):
    def subject(self):
        return get_object_or_404(
            selectors.projects_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def documents_of(self, project):
        return selectors.documents_visible_to(self.request.user).filter(
            project=project, report__isnull=True
        )

    @extend_schema(request={"multipart/form-data": DocumentInputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.attach(request, project=self.subject())


class ReportDocumentsView(_DocumentsView):
    def subject(self):
        return get_object_or_404(
            selectors.reports_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def documents_of(self, report):
        return selectors.documents_visible_to(self.request.user).filter(report=report)

    @extend_schema(request={"multipart/form-data": DocumentInputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.attach(request, report=self.subject())


def download(document) -> FileResponse:
    """The file as an attachment, under the name it was uploaded with and the type read from
    its bytes, never rendered inline (`nosniff`, a sandboxing policy). Its bytes are checked
    against the recorded SHA-256 before the first is sent: a mismatch is a 500, not a file.
    The API's download and the workspaces' send documents this way."""
    response = FileResponse(
        documents.open_document(document),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["Content-Length"] = str(document.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Document-SHA256"] = document.sha256
    return response


class DocumentDownloadView(APIView):
    """A document the caller may see, sent by `download`."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        return download(get_object_or_404(selectors.documents_visible_to(request.user), pk=pk))
