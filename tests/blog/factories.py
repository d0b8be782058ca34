import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Category, GalleryImage, Post, Tag
from tests.factories import UserFactory


def _png():
    from tests.blog.conftest import png_bytes

    return png_bytes()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categoria {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PostFactory(factory.django.DjangoModelFactory):
    """A public post by default (published a day ago)."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    kind = Post.Kind.ARTICLE
    title = factory.Sequence(lambda n: f"Notizia numero {n} dal laboratorio")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Il racconto di una giornata di lavoro con i team incubati."
    body = "<p>Testo dell'articolo.</p>"
    author = factory.SubFactory(UserFactory)
    status = Post.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def with_cover(self, create, extracted, **kwargs):
        if extracted:
            self.cover_alt = self.cover_alt or "Un gruppo di persone attorno a un tavolo"
            self.cover_image.save("cover.png", ContentFile(_png()), save=True)


class GalleryImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GalleryImage

    post = factory.SubFactory(PostFactory, kind=Post.Kind.GALLERY)
    image = factory.LazyFunction(lambda: ContentFile(_png(), name="photo.png"))
    alt = "Tre persone davanti a una lavagna piena di post-it"
    caption = "Il primo workshop del laboratorio"
